using System.Diagnostics.Metrics;

namespace OrleansCache.Client.Diagnostics;

/// <summary>The cache client's instruments, under the meter <c>OrleansCache.Client</c>.</summary>
internal sealed class CacheClientMetrics : IDisposable
{
    public const string MeterName = "OrleansCache.Client";

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _invalidationsReceived;
    private readonly Counter<long> _invalidationsApplied;
    private readonly Counter<long> _invalidationsIgnored;
    private readonly Counter<long> _revalidations;
    private readonly Counter<long> _revalidatedKept;
    private readonly Counter<long> _revalidatedDropped;
    private readonly Counter<long> _leaseWaits;
    private readonly Counter<long> _factoryRuns;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _deliveryLag;

    public CacheClientMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        _hits = meter.CreateCounter<long>("orleanscache.client.near_cache.hits", description: "Reads served from the near-cache.");
        _misses = meter.CreateCounter<long>("orleanscache.client.near_cache.misses", description: "Reads that went to the cluster.");
        _evictions = meter.CreateCounter<long>("orleanscache.client.near_cache.evictions", description: "Near-cache entries evicted for room or expiry.");
        _invalidationsReceived = meter.CreateCounter<long>("orleanscache.client.invalidations.received", description: "Invalidations received from the cluster.");
        _invalidationsApplied = meter.CreateCounter<long>("orleanscache.client.invalidations.applied", description: "Invalidations that dropped a near-cache entry.");
        _invalidationsIgnored = meter.CreateCounter<long>("orleanscache.client.invalidations.ignored", description: "Key invalidations older than (or for keys not in) the near-cache.");
        _revalidations = meter.CreateCounter<long>("orleanscache.client.revalidations", description: "Partition resynchronizations (subscribe again, revalidate the partition's entries), by reason: start, gap, new_epoch, malformed (a delivery with numbers or items no feed sends), feed_closing, tracking_limit, silence, gateway_lost, connection_lost, revalidation_failed.");
        _revalidatedKept = meter.CreateCounter<long>("orleanscache.client.revalidations.kept", description: "Entries a revalidation found current and kept.");
        _revalidatedDropped = meter.CreateCounter<long>("orleanscache.client.revalidations.dropped", description: "Entries a revalidation found changed and dropped.");
        _leaseWaits = meter.CreateCounter<long>("orleanscache.client.lease_waits", description: "Get-or-create calls that waited for another caller's fill.");
        _factoryRuns = meter.CreateCounter<long>("orleanscache.client.factory_runs", description: "Value factories run by this client.");
        _retries = meter.CreateCounter<long>("orleanscache.client.retries", description: "Operations sent again after a failure that means they did not run (or may run again safely), by exception type.");
        _deliveryLag = meter.CreateHistogram<double>("orleanscache.client.invalidations.lag", unit: "ms", description: "Time from an invalidation being handed to its feed to this client receiving it (clocks of different machines may differ).");
    }

    public void Hit() => _hits.Add(1);

    public void Miss() => _misses.Add(1);

    public void Evicted(int count) => _evictions.Add(count);

    public void InvalidationReceived(bool applied)
    {
        _invalidationsReceived.Add(1);
        (applied ? _invalidationsApplied : _invalidationsIgnored).Add(1);
    }

    public void Resync(string reason) => _revalidations.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Retry(string exceptionType) => _retries.Add(1, new KeyValuePair<string, object?>("exception", exceptionType));

    public void DeliveryLag(double milliseconds) => _deliveryLag.Record(milliseconds);

    public void Revalidated(int kept, int dropped)
    {
        _revalidatedKept.Add(kept);
        _revalidatedDropped.Add(dropped);
    }

    public void LeaseWait() => _leaseWaits.Add(1);

    public void FactoryRun() => _factoryRuns.Add(1);

    public void Dispose() => _ownedMeter?.Dispose();
}
