using OrleansCache.FaultInjection.History;
using OrleansCache.FaultInjection.Network;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The short fault-injection run of the suite (docs/reliability.md): 3 silo processes on Redis, each in a network
/// namespace of its own where the machine allows it (else behind the proxies only, and the report says so), 4 clients,
/// every fault kind twice, about two minutes; fails on any violation of docs/consistency.md and prints the report.
/// </summary>
public sealed class ShortRunTests
{
    [Fact]
    public async Task ShortRun_EveryFaultKindTwice_BreaksNoPromise()
    {
        var options = new FaultRunOptions
        {
            Duration = TimeSpan.FromSeconds(90),
            FaultRounds = 2,
            Log = line => TestContext.Current.SendDiagnosticMessage(line),
        };

        var report = await FaultRun.RunAsync(options, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(8), TestContext.Current.CancellationToken);

        var markdown = report.ToMarkdown();
        TestContext.Current.SendDiagnosticMessage($"network faults made with: {report.Network}");
        TestContext.Current.SendDiagnosticMessage(markdown);
        TestContext.Current.TestOutputHelper?.WriteLine(markdown);
        foreach (var kind in Enum.GetValues<FaultKind>().Where(k => k != FaultKind.SiloFailStop))
        {
            Assert.True(report.Kinds.SingleOrDefault(k => k.Kind == kind.ToString())?.Injected >= 2, $"{kind} was not injected twice.\n{markdown}");
        }

        AssertEveryBridgePathDriven(report, markdown);
        AssertLongPartitionsEndedInFailStop(report, options, markdown);
        Assert.True(report.Passed, markdown);
    }

    /// <summary>
    /// Partitions alone, in the fallback mode (the proxies hold all of the silo's traffic): the one a machine without
    /// namespaces runs, so it is proven here too. A short one is ridden out, a long one ends in a fail-stop and a
    /// replacement, and no promise is broken.
    /// </summary>
    [Fact]
    public async Task PartitionsThroughTheProxies_RiddenOutOrFailStopped_BreakNoPromise()
    {
        var options = new FaultRunOptions
        {
            Duration = TimeSpan.FromSeconds(5),
            FaultRounds = 2,
            Network = NetworkMode.Proxies,
            Log = line => TestContext.Current.SendDiagnosticMessage(line),
        };
        options.OnlyFaults.Add(nameof(FaultKind.Partition));

        var report = await FaultRun.RunAsync(options, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);

        var markdown = report.ToMarkdown();
        TestContext.Current.TestOutputHelper?.WriteLine(markdown);
        Assert.Equal(NetworkMode.Proxies, report.Network);
        Assert.Contains(report.Notes, n => n.StartsWith("Network: proxies only", StringComparison.Ordinal));
        Assert.True(report.Kinds.SingleOrDefault(k => k.Kind == nameof(FaultKind.Partition))?.Injected >= 2, markdown);
        AssertLongPartitionsEndedInFailStop(report, options, markdown);
        Assert.True(report.Passed, markdown);
    }

    private static void AssertEveryBridgePathDriven(FaultReport report, string markdown)
    {
        var sent = report.Kinds.Select(k => (k.PubSub.Sent, k.Stream.Sent, k.Typed.Sent, k.Keyspace.Sent)).ToList();
        Assert.True(sent.Sum(s => s.Item1) > 0 && sent.Sum(s => s.Item2) > 0 && sent.Sum(s => s.Item3) > 0 && sent.Sum(s => s.Item4) > 0, $"a bridge path was not driven\n{markdown}");
    }

    /// <summary>Every other partition outlasts the death timeout: that silo must have been declared dead and stopped itself.</summary>
    private static void AssertLongPartitionsEndedInFailStop(FaultReport report, FaultRunOptions options, string markdown)
    {
        var failStops = report.Kinds.SingleOrDefault(k => k.Kind == nameof(FaultKind.SiloFailStop))?.Injected ?? 0;
        Assert.True(failStops >= options.FaultRounds / 2, $"a partition longer than the death timeout did not end in a fail-stop\n{markdown}");
    }
}
