using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Protocol;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Interfaces.Protocol;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Messaging;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Grains.Invalidation;

/// <summary>
/// A gateway's half of the invalidation stream: receives every silo's invalidations and pushes each to the clients of
/// this gateway that may hold the key, in order, numbered per client.
/// </summary>
/// <remarks>
/// A client "may hold" a key once it sent any request about that key through this gateway (tracking, registered before
/// the request is routed, so no change after the read can slip by) or when the key falls under a prefix it subscribed
/// to. Pattern, tag and all invalidations go to every client. When invalidations may have been lost on the way here (a
/// silo's posts had a gap or its connection dropped) or a silo left the cluster (its latest changes may not have been
/// published), every client is told to resynchronize.
/// </remarks>
internal sealed partial class InvalidationFanout : ISiloMessageHandler, IClientSessionObserver, IDisposable
{
    private readonly ConcurrentDictionary<ClientSession, ClientTracking> _clients = new();
    private readonly MembershipService _membership;
    private readonly CacheSiloOptions _options;
    private readonly CacheSiloMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _cacheEntryType = CacheGrainTypes.CacheEntry;
    private HashSet<SiloAddress> _owners = [];

    public InvalidationFanout(MembershipService membership, IOptions<CacheSiloOptions> options, CacheSiloMetrics metrics, TimeProvider time, ILogger<InvalidationFanout> logger)
    {
        _membership = membership;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _membership.ViewChanged += OnViewChanged;
    }

    public string Stream => CacheStreams.Invalidations;

    public void OnConnected(ClientSession session) => _clients[session] = new ClientTracking();

    public void OnDisconnected(ClientSession session) => _clients.TryRemove(session, out _);

    public void OnRequest(ClientSession session, Request request)
    {
        if (!string.Equals(request.GrainType, _cacheEntryType, StringComparison.Ordinal) || !_clients.TryGetValue(session, out var tracking))
        {
            return;
        }

        lock (tracking.Lock)
        {
            TrackLocked(session, tracking, request.GrainKey);
        }
    }

    public void OnMessage(ClientSession session, Push message)
    {
        if (!string.Equals(message.Stream, CacheStreams.Subscription, StringComparison.Ordinal) || !_clients.TryGetValue(session, out var tracking))
        {
            return;
        }

        if (!PeerMessageParser<Subscription>.TryParse(message.Payload, out var subscription, out _))
        {
            LogBadSubscription(_logger, session.ClientId);
            return;
        }

        lock (tracking.Lock)
        {
            // The empty prefix is a prefix of every key: a subscription to everything (e.g. orleans-cache watch).
            tracking.Subscribe(subscription.Prefixes);
            foreach (var key in subscription.Track)
            {
                TrackLocked(session, tracking, key);
            }
        }
    }

    public void OnMessage(SiloAddress from, ByteString payload)
    {
        if (!PeerMessageParser<InvalidationBatch>.TryParse(payload, out var batch, out _))
        {
            LogBadBatch(_logger, from);
            return;
        }

        // Indexed loops: a RepeatedField's enumerator is an allocation, and this runs per batch per client.
        var items = batch.Items;
        var broad = true;
        for (var i = 0; i < items.Count && broad; i++)
        {
            broad = items[i].TargetCase != Interfaces.Protocol.Invalidation.TargetOneofCase.Key;
        }

        for (var i = 0; i < items.Count; i++)
        {
            _metrics.InvalidationReceived(KindOf(items[i]));
        }

        var pushed = false;
        foreach (var (session, tracking) in _clients)
        {
            lock (tracking.Lock)
            {
                if (broad)
                {
                    PushLocked(session, tracking, CacheStreams.Invalidations, payload);
                    pushed = true;
                    continue;
                }

                // Counted first, so the common cases (all or none relevant) allocate nothing per client.
                var relevant = 0;
                for (var i = 0; i < items.Count; i++)
                {
                    relevant += IsRelevant(tracking, items[i]) ? 1 : 0;
                }

                if (relevant == items.Count)
                {
                    PushLocked(session, tracking, CacheStreams.Invalidations, payload);
                }
                else if (relevant > 0)
                {
                    var filtered = new InvalidationBatch { PublishedAtUnixUs = batch.PublishedAtUnixUs };
                    filtered.Items.AddRange(items.Where(i => IsRelevant(tracking, i)));
                    PushLocked(session, tracking, CacheStreams.Invalidations, filtered.ToByteString());
                }

                pushed |= relevant > 0;
            }
        }

        if (pushed && batch.PublishedAtUnixUs > 0)
        {
            // Clocks of two machines may disagree; a negative latency is skew, not time travel.
            var microseconds = InvalidationClock.UnixMicroseconds(_time) - batch.PublishedAtUnixUs;
            _metrics.FanoutCompleted(Math.Max(0, microseconds) / 1000.0);
        }
    }

    private static string KindOf(Interfaces.Protocol.Invalidation item) => item.TargetCase switch
    {
        Interfaces.Protocol.Invalidation.TargetOneofCase.Key => "key",
        Interfaces.Protocol.Invalidation.TargetOneofCase.Pattern => "pattern",
        Interfaces.Protocol.Invalidation.TargetOneofCase.Tag => "tag",
        Interfaces.Protocol.Invalidation.TargetOneofCase.All => "all",
        _ => "none",
    };

    private static bool IsRelevant(ClientTracking tracking, Interfaces.Protocol.Invalidation item) =>
        item.TargetCase != Interfaces.Protocol.Invalidation.TargetOneofCase.Key || tracking.IsTracked(item.Key) || tracking.MatchesPrefix(item.Key);

    public void OnPossibleLoss(SiloAddress from) => ResyncAll($"invalidations from {from} may have been lost");

    /// <summary>Tells every client of this gateway to revalidate (e.g. an inbound source may have lost messages).</summary>
    public void ResyncClients(string reason) => ResyncAll(reason);

    public void Dispose() => _membership.ViewChanged -= OnViewChanged;

    private void OnViewChanged(MembershipView view)
    {
        var owners = view.Owners.Select(o => o.Silo).ToHashSet();
        var previous = Interlocked.Exchange(ref _owners, owners);
        var gone = previous.Where(s => !owners.Contains(s)).ToList();
        if (gone.Count > 0)
        {
            // A silo that left or died may have changed keys it owned without the change reaching us.
            ResyncAll($"silo {string.Join(", ", gone)} left the cluster");
        }
    }

    private void ResyncAll(string reason)
    {
        _metrics.ResyncSent(reason.StartsWith("silo", StringComparison.Ordinal) ? "owner_left" : "possible_loss");
        LogResync(_logger, _clients.Count, reason);
        var payload = new Resync { Reason = reason }.ToByteString();
        foreach (var (session, tracking) in _clients)
        {
            lock (tracking.Lock)
            {
                PushLocked(session, tracking, CacheStreams.Resync, payload);
            }
        }
    }

    private void TrackLocked(ClientSession session, ClientTracking tracking, string key)
    {
        var evicted = tracking.Track(key, _options.MaxTrackedKeysPerClient);
        if (evicted is { Count: > 0 })
        {
            // No longer tracked means no longer told: so the client must drop them now.
            _metrics.TrackingEvicted(evicted.Count);
            var batch = new InvalidationBatch();
            batch.Items.AddRange(evicted.Select(k => new Interfaces.Protocol.Invalidation { Key = k, Version = CacheVersion.Max.ToWire() }));
            PushLocked(session, tracking, CacheStreams.Invalidations, batch.ToByteString());
        }
    }

    private void PushLocked(ClientSession session, ClientTracking tracking, string stream, ByteString payload)
    {
        tracking.Sequence++;
        if (session.TryPush(stream, tracking.Sequence, payload))
        {
            _metrics.InvalidationsPushed();
        }
        else
        {
            LogSlowClient(_logger, session.ClientId);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Telling {Clients} clients to resynchronize: {Reason}")]
    private static partial void LogResync(ILogger logger, int clients, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Client {Client} could not keep up with invalidations; disconnected so it resynchronizes")]
    private static partial void LogSlowClient(ILogger logger, string client);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Ignored a malformed subscription from client {Client}")]
    private static partial void LogBadSubscription(ILogger logger, string client);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Ignored a malformed invalidation batch from silo {Silo}")]
    private static partial void LogBadBatch(ILogger logger, SiloAddress silo);
}
