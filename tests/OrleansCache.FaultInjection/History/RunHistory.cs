using System.Collections.Concurrent;

namespace OrleansCache.FaultInjection.History;

/// <summary>Everything a run recorded, appended to concurrently by the workload and the fault injector.</summary>
internal sealed class RunHistory
{
    public ConcurrentQueue<OperationRecord> Operations { get; } = new();

    public ConcurrentQueue<BurstRecord> Bursts { get; } = new();

    public ConcurrentDictionary<string, BridgeMessageRecord> BridgeMessages { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<FaultWindow> Faults { get; } = new();
}
