using System.Diagnostics;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class UsageErrorTests
{
    public static TheoryData<string[], string> WrongCommandLines => new()
    {
        { [], "Required command was not provided" },
        { ["bogus"], "Unrecognized command or argument 'bogus'" },
        { ["get"], "Required argument missing for command: 'get'" },
        { ["set", "k"], "Required argument missing for command: 'set'" },
        { ["get", "k", "--colour"], "Unrecognized command or argument '--colour'" },
        { ["set", "k", "v", "--ttl", "soon"], "--ttl 'soon' is not a positive duration" },
        { ["members", "--timeout", "0s"], "--timeout '0s' is not a positive duration" },
        { ["set", "k", "v", "--as", "xml"], "'xml'" },
        { ["set", "k", "{not json", "--as", "json"], "VALUE is not JSON" },
        { ["set", "k", "v", "--tag", "not a tag"], "tags use letters, digits" },
        { ["get", new string('k', 1025)], "A cache key may be at most 1024 characters" },
        { ["invalidate"], "invalidate needs exactly one of KEY, --pattern P, --tag T or --all" },
        { ["invalidate", "k", "--all"], "invalidate needs exactly one of KEY, --pattern P, --tag T or --all" },
        { ["invalidate", "--pattern", "user:[0-9]"], "Patterns support * and ? only" },
        { ["members", "--gateway", "no-port"], "--gateway 'no-port' is not host:port" },
        { ["members", "--gateway", "localhost:30000", "--redis", "localhost:6379"], "--gateway and --redis are two ways to find the cluster: give one of them" },
        { ["members", "--redis-user", "tool"], "--redis-user needs --redis" },
        { ["members", "--redis", ",,,"], "--redis names no Redis server" },
        { ["members", "--tls-trusted", "/nonexistent/ca.crt"], "--tls-trusted '/nonexistent/ca.crt' does not exist" },
        { ["members", "--tls-certificate", "/nonexistent/tool.pfx"], "--tls-certificate '/nonexistent/tool.pfx' does not exist" },
        { ["members", "--tls-key", "/nonexistent/tool.key"], "--tls-key needs the certificate it belongs to" },
    };

    [Theory]
    [MemberData(nameof(WrongCommandLines))]
    public async Task WrongCommandLine_ExitsTwo_WithOneLineThatSaysWhy(string[] args, string expected)
    {
        var result = await Tool.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Out);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ExitsZero_AndListsEveryCommand()
    {
        var result = await Tool.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "get", "set", "remove", "invalidate", "watch", "members", "stats" })
        {
            Assert.Contains($"  {command} ", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_NamesTheConnectionAndTlsOptions_AndTheDefaultIds_AndNeverShowsAPassword()
    {
        const string Password = "help-must-never-show-this-password";
        var environment = new Dictionary<string, string>
        {
            [RedisSettings.PasswordVariable] = Password,
            [TlsSettings.CertificatePasswordVariable] = Password,
        };

        var result = await Tool.RunAsync(environment, "set", "--help");

        Assert.Equal(0, result.ExitCode);
        string[] expected =
        [
            "--gateway", "--redis ", "--redis-user", RedisSettings.PasswordVariable, "--cluster-id", "--service-id", "--tls ", "--tls-certificate",
            "--tls-key", TlsSettings.CertificatePasswordVariable, "--tls-trusted", "--tls-host", "--timeout", "--json",
            $"default is {ConnectionSettings.DefaultClusterId}", $"default is {ConnectionSettings.DefaultServiceId}",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(text, result.Out, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Password, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("shared-secret", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedFileWithoutACertificate_ExitsTwo_WithOneLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleanscache-test-{Guid.NewGuid():N}.crt");
        await File.WriteAllTextAsync(path, "not a certificate", TestContext.Current.CancellationToken);
        try
        {
            var result = await Tool.RunAsync("members", "--tls-trusted", path);

            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith($"error: --tls-trusted '{path}' is not a PEM or DER certificate the tool can read", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task UnreachableGateway_ExitsOne_WithOneLine_AtOnce()
    {
        using var refusing = Loopback.Refusing();
        var gateway = Loopback.EndPointOf(refusing);
        var watch = Stopwatch.StartNew();

        var result = await Tool.RunAsync("members", "--gateway", gateway, "--timeout", "30s", "--cluster-id", "prod");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Out);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"error: cannot reach cluster 'prod' via {gateway}: ", line, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", line, StringComparison.Ordinal);
        // Refused is refused: the client gives up at the first attempt instead of retrying until --timeout.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"Took {watch.Elapsed}.");
    }

    [Fact]
    public async Task SilentGateway_ExitsOne_WithOneLine_WhenTheTimeoutRunsOut()
    {
        using var silent = Loopback.Silent();
        var gateway = Loopback.EndPointOf(silent);
        var watch = Stopwatch.StartNew();

        var result = await Tool.RunAsync("get", "k", "--gateway", gateway, "--timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Equal($"error: cannot reach cluster 'dev' via {gateway}: no gateway accepted the tool within 1s", Assert.Single(result.ErrorLines));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task UnreachableRedis_ExitsOne_WithOneLine_WithoutThePassword()
    {
        var environment = new Dictionary<string, string> { [RedisSettings.PasswordVariable] = "from-the-environment" };

        using var refusing = Loopback.Refusing();
        var result = await Tool.RunAsync(environment, "members", "--redis", $"{Loopback.EndPointOf(refusing)},password=in-the-string", "--timeout", "2s");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: cannot reach cluster 'dev' via the Redis membership table: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("in-the-string", line, StringComparison.Ordinal);
        Assert.DoesNotContain("from-the-environment", line, StringComparison.Ordinal);
    }
}
