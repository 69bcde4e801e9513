using System.Diagnostics.Metrics;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Diagnostics;

/// <summary>The cache's silo-side instruments, under the meter <c>OrleansCache.Cache</c> (listed in docs/metrics.md).</summary>
internal sealed class CacheSiloMetrics
{
    public const string MeterName = "OrleansCache.Cache";

    private readonly Counter<long> _invalidationsPublished;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _subscriptionsEnded;
    private readonly Counter<long> _leases;
    private readonly Counter<long> _fills;
    private readonly Counter<long> _reads;
    private readonly Counter<long> _invalidationsSent;
    private readonly Histogram<double> _roundTrip;
    private readonly Histogram<double> _leaseWaitDuration;
    private readonly Counter<long> _connectionsRejected;
    private readonly Counter<long> _streamPublished;
    private readonly Counter<long> _streamFailed;
    private readonly Counter<long> _streamDropped;

    public CacheSiloMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _invalidationsPublished = meter.CreateCounter<long>("orleanscache.cache.invalidations.published", description: "Invalidations handed to the feeds, by kind (key, pattern, tag, all).");
        _deliveries = meter.CreateCounter<long>("orleanscache.cache.deliveries", description: "What the feeds sent to client observers, by outcome: sent (a batch of invalidations, one-way), heartbeat (answered), heartbeat_failed.");
        _invalidationsSent = meter.CreateCounter<long>("orleanscache.cache.invalidations.sent", description: "Invalidations the feeds sent to clients (one per subscriber that may hold the key).");
        _subscriptionsEnded = meter.CreateCounter<long>("orleanscache.cache.subscriptions.ended", description: "Feed subscriptions ended by the feed, by reason: unreachable, overflow, tracking_limit, declined, closing.");
        _leases = meter.CreateCounter<long>("orleanscache.cache.leases", description: "Get-or-create outcomes: hit, granted, wait.");
        _fills = meter.CreateCounter<long>("orleanscache.cache.fills", description: "Lease completions: stored, voided, failed.");
        _reads = meter.CreateCounter<long>("orleanscache.cache.reads", description: "Reads that reached a cache-entry grain (gets and get-or-creates; near-cache hits never do), by result: hit or miss.");
        _roundTrip = meter.CreateHistogram<double>("orleanscache.cache.feeds.round_trip.duration", unit: "ms", description: "Time for a feed's heartbeat to reach a client and its answer to come back: the feed-to-client path's latency, both ways.");
        _connectionsRejected = meter.CreateCounter<long>("orleanscache.connections.rejected", description: "Inbound connections the silo closed before Orleans took them, by reason (preamble_timeout: no connection preamble in time) and port (silo, gateway).");
        _streamPublished = meter.CreateCounter<long>("orleanscache.cache.streams.published", description: "Invalidations the stream provider accepted (opt-in publication on Orleans streams), by kind.");
        _streamFailed = meter.CreateCounter<long>("orleanscache.cache.streams.failed", description: "Invalidations the stream provider refused or did not accept in time, by kind; not retried.");
        _streamDropped = meter.CreateCounter<long>("orleanscache.cache.streams.dropped", description: "Invalidations not handed to the stream provider because the silo's queue for it was full.");
        _leaseWaitDuration = meter.CreateHistogram<double>("orleanscache.cache.leases.wait.duration", unit: "ms", description: "Time a get-or-create caller waited on the grain for another caller's fill.");
    }

    public void InvalidationPublished(InvalidationKind kind) => _invalidationsPublished.Add(1, new KeyValuePair<string, object?>("kind", KindName(kind)));

    public void BatchSent(int invalidations)
    {
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "sent"));
        _invalidationsSent.Add(invalidations);
    }

    public void Heartbeat(double? roundTripMilliseconds)
    {
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", roundTripMilliseconds is null ? "heartbeat_failed" : "heartbeat"));
        if (roundTripMilliseconds is { } milliseconds)
        {
            _roundTrip.Record(milliseconds);
        }
    }

    public void SubscriptionEnded(string reason) => _subscriptionsEnded.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Lease(string outcome) => _leases.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Fill(string outcome) => _fills.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Read(bool hit) => _reads.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public void ConnectionRejected(string reason, string port) =>
        _connectionsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("port", port));

    public void StreamEventPublished(InvalidationKind kind) => _streamPublished.Add(1, new KeyValuePair<string, object?>("kind", KindName(kind)));

    public void StreamEventFailed(InvalidationKind kind) => _streamFailed.Add(1, new KeyValuePair<string, object?>("kind", KindName(kind)));

    public void StreamEventDropped() => _streamDropped.Add(1);

    public void LeaseWaited(double milliseconds) => _leaseWaitDuration.Record(milliseconds);

    public static string KindName(InvalidationKind kind) => kind switch
    {
        InvalidationKind.Key => "key",
        InvalidationKind.Pattern => "pattern",
        InvalidationKind.Tag => "tag",
        InvalidationKind.All => "all",
        _ => "unknown",
    };
}
