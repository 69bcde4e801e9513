using System.Diagnostics;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Process;

/// <summary>The built tool as a separate process: its Program, exit codes and streams as a shell sees them.</summary>
[Collection(SharedCluster.Name)]
public sealed class ToolProcessTests(ClusterFixture fixture)
{
    /// <summary>
    /// The cluster's connection options with a timeout for a machine at full load: a process of its own starts the
    /// runtime and an Orleans client first, which the default 10 s does not always cover there (these tests are about
    /// the tool as a process, not its timeout; the unit tests cover that).
    /// </summary>
    private string[] Connection => [.. fixture.Connection, "--timeout", "1m"];

    [Fact]
    public async Task UnreachableGateway_ExitsNonZeroFast_WithOneLineOnStderr()
    {
        using var refusing = Loopback.Refusing();
        var gateway = Loopback.EndPointOf(refusing);
        var watch = Stopwatch.StartNew();

        // A refused connection is reported as soon as it happens, not when the timeout is up: the timeout is generous
        // (a start on a loaded machine once took over 2 s before its first connection attempt, and timed out instead),
        // and the reason must say "refused", which a timeout's line would not.
        var result = await ToolProcess.RunAsync("get", "user:1", "--gateway", gateway, "--timeout", "20s");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Out);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"error: cannot reach cluster 'dev' via {gateway}: ", line, StringComparison.Ordinal);
        Assert.Contains("refused", line, StringComparison.OrdinalIgnoreCase);
        // Well before the timeout, even with the process start, which is slow on a busy machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"Took {watch.Elapsed}.");
    }

    [Fact]
    public async Task SilentGateway_ExitsOne_WithOneLineOnStderr_WithinTheTimeout()
    {
        using var silent = Loopback.Silent();
        var gateway = Loopback.EndPointOf(silent);
        var watch = Stopwatch.StartNew();

        var result = await ToolProcess.RunAsync("members", "--gateway", gateway, "--timeout", "2s");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Equal($"error: cannot reach cluster 'dev' via {gateway}: no gateway accepted the tool within 2s", Assert.Single(result.ErrorLines));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"Took {watch.Elapsed}.");
    }

    [Fact]
    public async Task WrongArguments_ExitTwo_WithOneLineOnStderr()
    {
        var result = await ToolProcess.RunAsync("invalidate", "--pattern", "user:*", "--tag", "t");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Equal("error: invalidate needs exactly one of KEY, --pattern P, --tag T or --all.", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Watch_StreamsInvalidationsLineByLine_AndExitsZeroOnSigterm()
    {
        var prefix = ClusterFixture.Key("process") + ":";
        await using var watch = new RunningToolProcess([.. Connection, "watch", prefix]);
        await watch.Error.LineContainingAsync("watching invalidations", TimeSpan.FromMinutes(1));

        await fixture.Cluster.Cache.InvalidateAsync(prefix + "gone", TestContext.Current.CancellationToken);
        await watch.Out.LineContainingAsync($"key      {prefix}gone  version ");

        Assert.Equal(0, await watch.TerminateAsync());
        Assert.Single(watch.Error.Lines);
    }

    [Fact]
    public async Task SetThenGet_AgainstTheCluster()
    {
        var key = ClusterFixture.Key();

        var set = await ToolProcess.RunAsync([.. Connection, "set", key, "from a process", "--ttl", "1h"]);
        var get = await ToolProcess.RunAsync([.. Connection, "get", key]);

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("from a process\n", get.Out);
        Assert.Equal("from a process", await fixture.Cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken));
    }
}
