using System.Diagnostics;
using System.Text.Json;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.TestSupport.Security;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

/// <summary>The tool against a cluster that requires a shared secret and TLS.</summary>
public sealed class SecuredClusterTests(SecuredClusterFixture fixture) : IClassFixture<SecuredClusterFixture>
{
    /// <summary>Long enough that a refusal reported only when it runs out would fail the test's time check.</summary>
    private static readonly string[] LongTimeout = ["--timeout", "2m"];

    private string[] Trusted => [.. fixture.Connection, "--tls-trusted", fixture.TrustedCertificatePath];

    [Fact]
    public async Task RightSecret_AndTrustedCertificate_SetAndGetWork_AndNothingShowsTheSecret()
    {
        var key = ClusterFixture.Key("secured");

        var set = await Tool.RunAsync([.. Trusted, "--shared-secret", fixture.Secret, "set", key, "behind a secret", "--json"]);
        var get = await Tool.RunAsync([.. Trusted, "--shared-secret", fixture.Secret, "get", key]);
        var getJson = await Tool.RunAsync([.. Trusted, "--shared-secret", fixture.Secret, "get", key, "--json"]);

        Assert.True(set.ExitCode == 0, set.ToString());
        using (var stored = JsonDocument.Parse(set.Out))
        {
            Assert.Equal(key, stored.RootElement.GetProperty("key").GetString());
        }

        Assert.Equal(0, get.ExitCode);
        Assert.Equal("behind a secret\n", get.Out);
        Assert.Equal(0, getJson.ExitCode);
        Assert.Equal("behind a secret", await fixture.Cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
        foreach (var result in new[] { set, get, getJson })
        {
            Assert.Empty(result.Error);
            Assert.DoesNotContain(fixture.Secret, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SecretFromTheEnvironment_IsUsed_WhenTheFlagIsAbsent()
    {
        var key = ClusterFixture.Key("secured");
        var environment = new Dictionary<string, string> { [SecuritySettings.SharedSecretVariable] = fixture.Secret };

        var set = await Tool.RunAsync(environment, [.. Trusted, "set", key, "from the environment"]);
        var get = await Tool.RunAsync(environment, [.. Trusted, "get", key]);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("from the environment\n", get.Out);
    }

    [Fact]
    public async Task TheFlag_WinsOverTheEnvironment()
    {
        var environment = new Dictionary<string, string> { [SecuritySettings.SharedSecretVariable] = SecuredClusterFixture.NewSecret() };

        var members = await Tool.RunAsync(environment, [.. Trusted, "--shared-secret", fixture.Secret, "members"]);

        Assert.True(members.ExitCode == 0, members.ToString());
        Assert.Equal("3 silos: 3 Active", members.OutLines[^1]);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "wrong secret", "refused the connection: authentication failed" },
        { "wrong secret in the environment", "refused the connection: authentication failed" },
        { "no secret", "refused the connection: this cluster requires authentication" },
        { "no TLS", "refused the connection: this port requires TLS" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusedByTheCluster_ExitsOneAtOnce_WithOneLineAboutAuthentication_ThatShowsNoSecret(string situation, string expected)
    {
        var wrongSecret = SecuredClusterFixture.NewSecret();
        var environment = new Dictionary<string, string>();
        string[] args = situation switch
        {
            "wrong secret" => [.. Trusted, "--shared-secret", wrongSecret],
            "wrong secret in the environment" => [.. Trusted],
            "no secret" => [.. Trusted],
            "no TLS" => [.. fixture.Connection, "--shared-secret", fixture.Secret],
            _ => throw new ArgumentOutOfRangeException(nameof(situation), situation, null),
        };
        if (situation == "wrong secret in the environment")
        {
            environment[SecuritySettings.SharedSecretVariable] = wrongSecret;
        }

        var watch = Stopwatch.StartNew();
        var result = await Tool.RunAsync(environment, [.. args, .. LongTimeout, "get", ClusterFixture.Key("secured")]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Out);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"error: authentication failed with cluster '{fixture.Cluster.Options.ClusterId}' via ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains(SecuritySettings.SharedSecretVariable, line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Secret, result.Error, StringComparison.Ordinal);
        // The refusal is reported as it comes, not when --timeout runs out.
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"Took {watch.Elapsed}.");
    }

    public static TheoryData<string, string> UntrustedCertificates => new()
    {
        { "system roots only", "RemoteCertificateChainErrors" },
        { "another certificate", "RemoteCertificateChainErrors" },
        { "another host name", "RemoteCertificateNameMismatch" },
    };

    [Theory]
    [MemberData(nameof(UntrustedCertificates))]
    public async Task UntrustedCertificate_ExitsOneAtOnce_WithOneLineTlsError(string situation, string expected)
    {
        using var other = TestCertificates.CreateSelfSigned();
        var otherPath = TestCertificates.WritePem(other);
        try
        {
            string[] tls = situation switch
            {
                "system roots only" => ["--tls"],
                "another certificate" => ["--tls-trusted", otherPath],
                "another host name" => ["--tls-trusted", fixture.TrustedCertificatePath, "--tls-host", "cache.example"],
                _ => throw new ArgumentOutOfRangeException(nameof(situation), situation, null),
            };

            var watch = Stopwatch.StartNew();
            var result = await Tool.RunAsync([.. fixture.Connection, .. tls, "--shared-secret", fixture.Secret, .. LongTimeout, "members"]);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Empty(result.Out);
            var line = Assert.Single(result.ErrorLines);
            Assert.StartsWith($"error: TLS failed with cluster '{fixture.Cluster.Options.ClusterId}' via ", line, StringComparison.Ordinal);
            Assert.Contains("is not trusted for", line, StringComparison.Ordinal);
            Assert.Contains(expected, line, StringComparison.Ordinal);
            Assert.Contains("--tls-trusted", line, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Secret, result.Error, StringComparison.Ordinal);
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"Took {watch.Elapsed}.");
        }
        finally
        {
            File.Delete(otherPath);
        }
    }

    [Fact]
    public async Task TheBuiltTool_ReadsTheSecretFromItsEnvironment()
    {
        var key = ClusterFixture.Key("secured");
        var environment = new Dictionary<string, string> { [SecuritySettings.SharedSecretVariable] = fixture.Secret };

        var set = await ToolProcess.RunAsync(environment, [.. Trusted, "set", key, "from a process"]);
        var get = await ToolProcess.RunAsync(environment, [.. Trusted, "get", key]);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal("from a process\n", get.Out);
    }
}
