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
        { ["members", "--shared-secret", "abc123"], "the shared secret (ORLEANSCACHE_SHARED_SECRET or --shared-secret) is too short: it has 6 characters and needs at least 32" },
        { ["members", "--key-id", "billing"], "--key-id needs the key itself: set ORLEANSCACHE_SHARED_SECRET (or --shared-secret)" },
        { ["members", "--tls-trusted", "/nonexistent/ca.crt"], "--tls-trusted '/nonexistent/ca.crt' does not exist" },
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
    public async Task Help_NamesTheSecretVariableAndTheTlsOptions_AndNeverShowsTheSecret()
    {
        const string Secret = "help-must-never-show-this-secret-0123456789";

        var result = await Tool.RunAsync(new Dictionary<string, string> { [SecuritySettings.SharedSecretVariable] = Secret }, "set", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--shared-secret", SecuritySettings.SharedSecretVariable, "--key-id", "--tls ", "--tls-trusted", "--tls-host" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Secret, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortSecretFromTheEnvironment_ExitsTwo_WithoutShowingIt()
    {
        const string Secret = "too-short-7d1e";

        var result = await Tool.RunAsync(new Dictionary<string, string> { [SecuritySettings.SharedSecretVariable] = Secret }, "members");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains("is too short", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
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
    public async Task UnreachableGateway_ExitsOne_WithOneLine_WithinTheTimeout()
    {
        var gateway = ToolProcess.ClosedEndPoint();
        var watch = Stopwatch.StartNew();

        var result = await Tool.RunAsync("members", "--gateway", gateway, "--timeout", "1s", "--cluster-id", "prod");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.StartsWith($"error: cannot reach cluster 'prod' via {gateway}: No gateway of cluster 'prod' accepted the client within 1000 ms", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"Took {watch.Elapsed}.");
    }
}
