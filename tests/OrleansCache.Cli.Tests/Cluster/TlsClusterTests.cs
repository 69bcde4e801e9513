using System.Diagnostics;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

/// <summary>The tool against a cluster that speaks only mutual TLS.</summary>
public sealed class TlsClusterTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    /// <summary>Long enough that a refusal reported only when it runs out would fail the test's time check.</summary>
    private static readonly string[] LongTimeout = ["--timeout", "2m"];

    private string[] Trusted => [.. fixture.Connection, "--tls-trusted", fixture.CaPath];

    [Fact]
    public async Task TrustedCaAndClientCertificate_SetGetAndMembersWork()
    {
        var key = ClusterFixture.Key("tls");

        var set = await Tool.RunAsync([.. Trusted, "--tls-certificate", fixture.ToolCertificatePath, "set", key, "over mutual TLS"]);
        var get = await Tool.RunAsync([.. Trusted, "--tls-certificate", fixture.ToolCertificatePath, "get", key]);
        var members = await Tool.RunAsync([.. Trusted, "--tls-certificate", fixture.ToolCertificatePath, "members"]);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("over mutual TLS\n", get.Out);
        Assert.Equal("over mutual TLS", await fixture.Cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
        Assert.Equal("3 silos: 3 Active", members.OutLines[^1]);
    }

    public static TheoryData<string, string> UntrustedCertificates => new()
    {
        { "system roots only", "RemoteCertificateChainErrors" },
        { "another host name", "RemoteCertificateNameMismatch" },
    };

    [Theory]
    [MemberData(nameof(UntrustedCertificates))]
    public async Task UntrustedGatewayCertificate_ExitsOneAtOnce_WithOneLineSayingWhy(string situation, string expected)
    {
        string[] tls = situation switch
        {
            "system roots only" => [.. fixture.Connection, "--tls"],
            "another host name" => [.. Trusted, "--tls-host", "cache.example"],
            _ => throw new ArgumentOutOfRangeException(nameof(situation), situation, null),
        };
        var watch = Stopwatch.StartNew();

        var result = await Tool.RunAsync([.. tls, "--tls-certificate", fixture.ToolCertificatePath, .. LongTimeout, "members"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Out);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"error: TLS failed with cluster '{fixture.Cluster.ClusterId}' via ", line, StringComparison.Ordinal);
        Assert.Contains("is not trusted", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains("--tls-trusted", line, StringComparison.Ordinal);
        // The refusal is reported as it comes, not when --timeout runs out.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"Took {watch.Elapsed}.");
    }

    [Theory]
    [InlineData("no client certificate")]
    [InlineData("no TLS")]
    public async Task RefusedByTheSilos_ExitsOne_WithOneLine(string situation)
    {
        string[] args = situation == "no TLS" ? fixture.Connection : Trusted;
        var watch = Stopwatch.StartNew();

        var result = await Tool.RunAsync([.. args, "--timeout", "20s", "get", ClusterFixture.Key("tls")]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Out);
        Assert.StartsWith($"error: cannot reach cluster '{fixture.Cluster.ClusterId}' via ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"Took {watch.Elapsed}.");
    }
}
