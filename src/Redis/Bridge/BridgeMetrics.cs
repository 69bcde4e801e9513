using System.Diagnostics.Metrics;

namespace OrleansCache.Redis.Bridge;

/// <summary>The bridge's instruments, under the meter <c>OrleansCache.Redis</c>.</summary>
internal sealed class BridgeMetrics
{
    public const string MeterName = "OrleansCache.Redis";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _ignored;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishFailed;
    private readonly Counter<long> _streamAcked;

    public BridgeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("orleanscache.bridge.messages.accepted", description: "Inbound bridge messages accepted, by path and kind.");
        _rejected = meter.CreateCounter<long>("orleanscache.bridge.messages.rejected", description: "Inbound bridge messages rejected, by path and reason.");
        _ignored = meter.CreateCounter<long>("orleanscache.bridge.messages.ignored", description: "Inbound messages this cluster published itself.");
        _dropped = meter.CreateCounter<long>("orleanscache.bridge.messages.dropped", description: "Inbound messages dropped because the queue was full (clients resynchronize).");
        _published = meter.CreateCounter<long>("orleanscache.bridge.outbound.published", description: "Invalidations published on the outbound channel.");
        _publishFailed = meter.CreateCounter<long>("orleanscache.bridge.outbound.failed", description: "Outbound publishes or L2 deletions that failed.");
        _streamAcked = meter.CreateCounter<long>("orleanscache.bridge.stream.acked", description: "Stream entries applied and acknowledged.");
    }

    public void Accepted(string path, BridgeInvalidationKind kind) =>
        _accepted.Add(1, new KeyValuePair<string, object?>("path", path), new KeyValuePair<string, object?>("kind", kind.ToString()));

    public void Rejected(string path, BridgeRejectionReason reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("path", path), new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void Ignored() => _ignored.Add(1);

    public void Dropped() => _dropped.Add(1);

    public void Published() => _published.Add(1);

    public void PublishFailed() => _publishFailed.Add(1);

    public void StreamAcked() => _streamAcked.Add(1);
}
