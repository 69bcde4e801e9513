using System.Collections.Concurrent;

namespace OrleansCache.FaultInjection.History;

/// <summary>Everything a run recorded, appended to concurrently by the workload and the fault injector.</summary>
internal sealed class RunHistory
{
    public ConcurrentQueue<OperationRecord> Operations { get; } = new();

    public ConcurrentQueue<FaultWindow> Faults { get; } = new();

    /// <summary>Get-or-create bursts on fresh keys (G6), and every run of their value factories.</summary>
    public ConcurrentQueue<GetOrCreateBurst> Bursts { get; } = new();

    public ConcurrentQueue<FactoryRun> FactoryRuns { get; } = new();

    /// <summary>
    /// When the silos' membership changed outside a fault's window: the cluster's start, a silo that stopped by itself
    /// and was replaced. For <c>RedisBridge:ViewChangeGrace</c> after each, two silos may both apply a pub/sub message.
    /// </summary>
    public ConcurrentQueue<TimeSpan> MembershipChanges { get; } = new();

    /// <summary>Invalidations published through the Redis bridge by the bridge probes.</summary>
    public ConcurrentQueue<BridgeMessage> BridgeMessages { get; } = new();

    /// <summary>Faults of the schedule that could not be injected here, with the reason (e.g. no network namespaces).</summary>
    public ConcurrentQueue<string> Skipped { get; } = new();

    /// <summary>Broken promises the runner saw itself (e.g. a silo declared dead that kept running).</summary>
    public ConcurrentQueue<string> Incidents { get; } = new();

    /// <summary>What the clients logged about their feeds and connections, to show beside a violation.</summary>
    public ClientLog ClientLogs { get; } = new();

    /// <summary>What happened besides the schedule (e.g. a silo that stopped itself and was replaced).</summary>
    public ConcurrentQueue<string> Events { get; } = new();
}
