using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace OrleansCache.Benchmarks;

/// <summary>
/// An allocation profile without external tools: the runtime reports a sampled allocation about every 100 KB
/// (GCAllocationTick), naming the type; counting those per type shows what the hot path allocates.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    public IReadOnlyList<KeyValuePair<string, long>> Stop(int top)
    {
        _recording = false;
        return [.. _bytesByType.OrderByDescending(p => p.Value).Take(top)];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex >= 0 && amountIndex >= 0 && eventData.Payload![typeIndex] is string type && eventData.Payload[amountIndex] is ulong amount)
        {
            _bytesByType.AddOrUpdate(type, (long)amount, (_, total) => total + (long)amount);
        }
    }
}
