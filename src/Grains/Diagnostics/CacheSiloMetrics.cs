using System.Diagnostics.Metrics;

namespace OrleansCache.Grains.Diagnostics;

/// <summary>The cache's silo-side instruments, under the meter <c>OrleansCache.Cache</c>.</summary>
internal sealed class CacheSiloMetrics
{
    public const string MeterName = "OrleansCache.Cache";

    private readonly Counter<long> _invalidationsPublished;
    private readonly Counter<long> _invalidationsPushed;
    private readonly Counter<long> _resyncsSent;
    private readonly Counter<long> _leases;
    private readonly Counter<long> _fills;
    private readonly Counter<long> _trackingEvictions;
    private readonly Counter<long> _reads;
    private readonly Counter<long> _invalidationsReceived;
    private readonly Histogram<double> _fanoutDuration;
    private readonly Histogram<double> _leaseWaitDuration;

    public CacheSiloMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _invalidationsPublished = meter.CreateCounter<long>("orleanscache.cache.invalidations.published", description: "Invalidations published by owners, by kind.");
        _invalidationsPushed = meter.CreateCounter<long>("orleanscache.cache.invalidations.pushed", description: "Invalidation batches pushed to clients.");
        _resyncsSent = meter.CreateCounter<long>("orleanscache.cache.resyncs", description: "Resync requests pushed to clients, by reason.");
        _leases = meter.CreateCounter<long>("orleanscache.cache.leases", description: "Get-or-create outcomes: hit, granted, wait.");
        _fills = meter.CreateCounter<long>("orleanscache.cache.fills", description: "Lease completions: stored, voided, failed.");
        _trackingEvictions = meter.CreateCounter<long>("orleanscache.cache.tracking.evictions", description: "Keys a gateway stopped tracking for a client (the client was told to drop them).");
        _reads = meter.CreateCounter<long>("orleanscache.cache.reads", description: "Reads that reached a cache-entry grain (gets and get-or-creates; near-cache hits never do), by result: hit or miss.");
        _invalidationsReceived = meter.CreateCounter<long>("orleanscache.cache.invalidations.received", description: "Invalidations this silo received from owners (itself included) to pass on to its clients, by kind.");
        _fanoutDuration = meter.CreateHistogram<double>("orleanscache.cache.invalidations.fanout.duration", unit: "ms", description: "Time from an owner publishing an invalidation to this gateway having queued it for every client that may hold the key.");
        _leaseWaitDuration = meter.CreateHistogram<double>("orleanscache.cache.leases.wait.duration", unit: "ms", description: "Time a get-or-create caller waited on the grain for another caller's fill.");
    }

    public void InvalidationPublished(string kind) => _invalidationsPublished.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void InvalidationsPushed() => _invalidationsPushed.Add(1);

    public void ResyncSent(string reason) => _resyncsSent.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Lease(string outcome) => _leases.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Fill(string outcome) => _fills.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void TrackingEvicted(int count) => _trackingEvictions.Add(count);

    public void Read(bool hit) => _reads.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    public void InvalidationReceived(string kind) => _invalidationsReceived.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void FanoutCompleted(double milliseconds) => _fanoutDuration.Record(milliseconds);

    public void LeaseWaited(double milliseconds) => _leaseWaitDuration.Record(milliseconds);
}
