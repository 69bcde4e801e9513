using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Proxies;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Messaging;

namespace OrleansCache.Runtime.SiloMessaging;

/// <summary>
/// Messages between silos that are addressed to a silo, not to a grain: one-way posts on named streams, and requests to
/// system targets.
/// </summary>
/// <remarks>
/// Posts to one destination travel in order through one bounded queue and carry a sequence number per destination.
/// A post that cannot be delivered (queue full, silo unreachable) is dropped, but its number is spent, and every
/// <see cref="MembershipOptions.ProbeInterval"/> each destination is told the last number sent: so a receiver always
/// learns of a loss, from the next post or heartbeat, or from the connection closing, and tells its handlers.
/// </remarks>
internal sealed partial class SiloMessenger : IAsyncDisposable
{
    /// <summary>The grain type that marks a request as addressed to a system target.</summary>
    public const string SystemGrainType = "$system";

    private const string HeartbeatStream = "$hb";
    private const int OutboxCapacity = 65_536;

    // Between connection attempts to a silo that could not be reached: doubling up to a second, so a silo that restarts
    // or finishes stopping is reached again within about a second, and posts meanwhile are dropped (and reported as
    // lost to the receiver by their spent numbers) instead of each trying a connection of its own.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly SiloConnectionPool _pool;
    private readonly LocalSiloDetails _local;
    private readonly MembershipService _membership;
    private readonly FrozenDictionary<string, ISiloMessageHandler> _handlers;
    private readonly FrozenDictionary<string, ISystemTarget> _targets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _heartbeatInterval;
    private readonly ConcurrentDictionary<SiloAddress, Outbox> _outboxes = new();
    private readonly ConcurrentDictionary<SiloAddress, ulong> _received = new();
    private ITimer? _heartbeat;
    private volatile bool _stopped;

    public SiloMessenger(
        SiloConnectionPool pool,
        LocalSiloDetails local,
        MembershipService membership,
        IEnumerable<ISiloMessageHandler> handlers,
        IEnumerable<ISystemTarget> targets,
        IOptions<MembershipOptions> membershipOptions,
        TimeProvider time,
        ILogger<SiloMessenger> logger)
    {
        _pool = pool;
        _local = local;
        _membership = membership;
        _handlers = handlers.ToFrozenDictionary(h => h.Stream, StringComparer.Ordinal);
        _targets = targets.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        _time = time;
        _logger = logger;
        _heartbeatInterval = membershipOptions.Value.ProbeInterval;
    }

    public void Start()
    {
        _heartbeat = _time.CreateTimer(static s => ((SiloMessenger)s!).SendHeartbeats(), this, _heartbeatInterval, _heartbeatInterval);
    }

    /// <summary>Posts to every silo that is not dead, this one included (delivered here at once).</summary>
    public void PostToAll(string stream, ByteString payload)
    {
        foreach (var entry in _membership.CurrentView.Snapshot.Entries)
        {
            if (entry.Status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Joining)
            {
                Post(entry.Silo, stream, payload);
            }
        }
    }

    /// <summary>Posts one message to one silo; never blocks, never throws.</summary>
    public void Post(SiloAddress target, string stream, ByteString payload)
    {
        if (_stopped)
        {
            return;
        }

        if (target.Equals(_local.Address))
        {
            Deliver(target, stream, payload);
            return;
        }

        var outbox = _outboxes.GetOrAdd(target, t => new Outbox(this, t));
        outbox.Enqueue(stream, payload);
    }

    /// <summary>Calls system target <paramref name="targetName"/> on silo <paramref name="target"/>.</summary>
    public async Task<ByteString> RequestAsync(SiloAddress target, string targetName, string operation, ByteString payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (target.Equals(_local.Address))
        {
            return await HandleLocallyAsync(targetName, operation, payload, cancellationToken).ConfigureAwait(false);
        }

        var request = new Request
        {
            GrainType = SystemGrainType,
            GrainKey = targetName,
            Method = operation,
            TimeoutMs = (uint)Math.Max(1, timeout.TotalMilliseconds),
        };
        request.Arguments.Add(payload);
        var connection = await _pool.GetAsync(target, cancellationToken).ConfigureAwait(false);
        var response = await connection.SendRequestAsync(request, timeout, cancellationToken).ConfigureAwait(false);
        return ResponseErrors.ResultOrThrow(response, request);
    }

    /// <summary>Serves a system-target request that arrived from another silo.</summary>
    public async Task<Response> HandleRequestAsync(Request request)
    {
        if (!_targets.ContainsKey(request.GrainKey) || request.Arguments.Count != 1)
        {
            return Failures.BadRequest($"No system target '{request.GrainKey}' takes that request.");
        }

        var timeout = RequestTimeout.Of(request, TimeSpan.FromSeconds(30));
        using var deadline = new CancellationTokenSource(timeout, _time);
        try
        {
            return new Response { Result = await HandleLocallyAsync(request.GrainKey, request.Method, request.Arguments[0], deadline.Token).ConfigureAwait(false) };
        }
        catch (Exception ex)
        {
            return Failures.Application(ex);
        }
    }

    /// <summary>A post arrived from another silo.</summary>
    public void OnPush(SiloAddress from, Push push)
    {
        var last = _received.GetValueOrDefault(from);
        if (push.Stream == HeartbeatStream)
        {
            if (push.Sequence > last)
            {
                _received[from] = push.Sequence;
                ReportLoss(from, $"heartbeat says {push.Sequence} were sent, {last} arrived");
            }

            return;
        }

        _received[from] = push.Sequence;
        if (push.Sequence != last + 1)
        {
            ReportLoss(from, $"expected post {last + 1}, got {push.Sequence}");
        }

        Deliver(from, push.Stream, push.Payload);
    }

    /// <summary>A connection from <paramref name="from"/> closed: posts in flight on it may be lost.</summary>
    public void OnConnectionLost(SiloAddress from) => ReportLoss(from, "its connection closed");

    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var outbox in _outboxes.Values)
        {
            outbox.Complete();
        }
    }

    private Task<ByteString> HandleLocallyAsync(string targetName, string operation, ByteString payload, CancellationToken cancellationToken) =>
        _targets.TryGetValue(targetName, out var target)
            ? target.HandleAsync(operation, payload, cancellationToken)
            : throw new InvalidOperationException($"No system target '{targetName}' is registered.");

    private void Deliver(SiloAddress from, string stream, ByteString payload)
    {
        if (!_handlers.TryGetValue(stream, out var handler))
        {
            LogUnknownStream(_logger, stream, from);
            return;
        }

        try
        {
            handler.OnMessage(from, payload);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(_logger, stream, ex);
        }
    }

    private void ReportLoss(SiloAddress from, string reason)
    {
        LogPossibleLoss(_logger, from, reason);
        foreach (var handler in _handlers.Values)
        {
            try
            {
                handler.OnPossibleLoss(from);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(_logger, handler.Stream, ex);
            }
        }
    }

    private void SendHeartbeats()
    {
        var alive = _membership.CurrentView.Snapshot.Entries.Where(e => e.Status != SiloStatus.Dead).Select(e => e.Silo).ToHashSet();
        foreach (var (target, outbox) in _outboxes)
        {
            if (!alive.Contains(target))
            {
                // Gone from the cluster: nobody will read what we keep for it.
                if (_outboxes.TryRemove(target, out _))
                {
                    outbox.Complete();
                }

                continue;
            }

            outbox.EnqueueHeartbeat();
        }
    }

    /// <summary>The ordered, bounded queue of posts to one silo, and the loop that sends them.</summary>
    private sealed class Outbox
    {
        private readonly SiloMessenger _owner;
        private readonly SiloAddress _target;
        private readonly Channel<Push> _queue = Channel.CreateBounded<Push>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        private readonly Lock _lock = new();
        private ulong _sequence;

        public Outbox(SiloMessenger owner, SiloAddress target)
        {
            _owner = owner;
            _target = target;
            _ = Task.Run(SendLoopAsync);
        }

        public void Enqueue(string stream, ByteString payload)
        {
            // Numbering and queueing under one lock keeps the queue in number order.
            lock (_lock)
            {
                var push = new Push { Stream = stream, Sequence = ++_sequence, Payload = payload };
                if (!_queue.Writer.TryWrite(push))
                {
                    LogDropped(_owner._logger, _target, "its queue is full");
                }
            }
        }

        public void EnqueueHeartbeat()
        {
            lock (_lock)
            {
                _queue.Writer.TryWrite(new Push { Stream = HeartbeatStream, Sequence = _sequence });
            }
        }

        public void Complete() => _queue.Writer.TryComplete();

        private async Task SendLoopAsync()
        {
            // Only this loop touches the backoff.
            var backoff = TimeSpan.Zero;
            var quietUntil = 0L;
            await foreach (var push in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                var time = _owner._time;
                if (backoff > TimeSpan.Zero && time.GetTimestamp() < quietUntil)
                {
                    // The silo refused or could not be reached a moment ago (it may be stopping): no new connection is
                    // tried until the backoff ends, rather than one per post (thousands a second, seen in fault runs).
                    LogDropped(_owner._logger, _target, "the silo was unreachable a moment ago");
                    continue;
                }

                try
                {
                    var connection = await _owner._pool.GetAsync(_target, CancellationToken.None).ConfigureAwait(false);
                    backoff = TimeSpan.Zero;
                    await connection.SendAsync(new Envelope { Push = push }).ConfigureAwait(false);
                }
                catch (SiloUnreachableException ex)
                {
                    backoff = backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    quietUntil = time.GetTimestamp() + (long)(backoff.TotalSeconds * time.TimestampFrequency);
                    LogDropped(_owner._logger, _target, ex.Message);
                }
                catch (Exception ex)
                {
                    // Dropped; its spent number tells the receiver once it hears from us again.
                    LogDropped(_owner._logger, _target, ex.Message);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "Messages from silo {Silo} may have been lost: {Reason}")]
    private static partial void LogPossibleLoss(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Debug, Message = "Dropped a message to silo {Silo}: {Reason}")]
    private static partial void LogDropped(ILogger logger, SiloAddress silo, string reason);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Warning, Message = "No handler for silo message stream {Stream} (from {Silo})")]
    private static partial void LogUnknownStream(ILogger logger, string stream, SiloAddress silo);

    [LoggerMessage(EventId = 3604, Level = LogLevel.Error, Message = "The handler of silo message stream {Stream} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string stream, Exception exception);
}
