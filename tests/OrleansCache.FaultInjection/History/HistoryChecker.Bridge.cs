using System.Globalization;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.Faults;
using OrleansCache.FaultInjection.Workload;

namespace OrleansCache.FaultInjection.History;

/// <summary>Invalidations through the Redis bridge: none lost, none applied twice, within what each path promises.</summary>
internal sealed partial class HistoryChecker
{
    /// <summary>
    /// Slack on a stream message's bound under a fault: a silo that read the entry and died leaves it pending for
    /// <see cref="BridgeSetup.StreamClaimAfter"/>, then another takes it over on its next look (a fraction of that).
    /// </summary>
    private static readonly TimeSpan StreamTakeOver = BridgeSetup.StreamClaimAfter + TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long after a silo or Redis fault's window a pub/sub message is still not judged: a silo subscribes to the
    /// channels again only once its Redis connection is back (StackExchange.Redis reconnects with a backoff), and what a
    /// channel carries meanwhile is gone for it. The short run saw a canonical message lost 2.8 s after a Redis restart
    /// had healed (1.8 s after its window), every silo serving again.
    /// </summary>
    private static readonly TimeSpan PubSubResubscribe = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A bridge message takes more hops than a client's change before the feeds carry it (Redis, the silo's apply queue,
    /// a call to the key's grain, possibly on another silo), so it gets this much more than the bound a change gets:
    /// the short run on a loaded 2-core machine saw a canonical message applied 1.1 s after Redis acknowledged it.
    /// </summary>
    private static readonly TimeSpan BridgeHops = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Each acknowledged bridge message of a probe key (only the probes and the bridge change those keys):
    /// <list type="bullet">
    /// <item><b>lost</b> (stream) or <b>stale</b> (pub/sub): a read of the value written before the message, begun later
    /// than its bound after Redis acknowledged it. The bound is the faults' around it plus <see cref="BridgeHops"/>, plus
    /// the stream's take-over of a dead reader's entries under a fault. Pub/sub messages published while a silo or Redis fault was in its window, or
    /// within <see cref="PubSubResubscribe"/> after it, are not judged: pub/sub keeps nothing for a subscriber that is not there (documented; the stream is for that).
    /// Stream entries added before Redis came back empty may be gone with it.</item>
    /// <item><b>applied twice</b>: after every client had seen the key removed and a client wrote it again, a read finds
    /// it removed again, at a later version, before the key's next message. Allowed under a fault for the stream (a silo
    /// that applied an entry and died before acknowledging it) and, for pub/sub, within <c>RedisBridge:ViewChangeGrace</c>
    /// of a fault or of another membership change, the cluster's start included (two silos may both apply a message
    /// while their views of the membership differ).</item>
    /// </list>
    /// </summary>
    private void CheckBridge(List<OperationRecord> operations)
    {
        var byKey = operations.Where(o => o.Ok && o.Version is not null && o.Kind is OperationKind.Read or OperationKind.Write)
            .GroupBy(o => o.Target, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Start).ToList(), StringComparer.Ordinal);
        var messages = history.BridgeMessages.OrderBy(m => m.Start).ToList();
        foreach (var message in messages)
        {
            var kinds = KindsOver(message.Start, message.End);
            foreach (var kind in kinds)
            {
                Figures(kind).BridgeMessages++;
            }

            if (!message.Ok || !byKey.TryGetValue(message.Key, out var ops))
            {
                continue;
            }

            var next = messages.FirstOrDefault(m => m.Key == message.Key && m.Start > message.End)?.Start ?? TimeSpan.MaxValue;
            CheckBridgeLoss(message, kinds, ops);
            CheckBridgeTwice(message, kinds, ops, next);
        }
    }

    private void CheckBridgeLoss(BridgeMessage message, List<string> kinds, List<OperationRecord> ops)
    {
        var pubSub = BridgeSetup.IsPubSub(message.Path);
        if (pubSub && _faults.Any(f => !IsClientOnly(f.Kind) && f.Overlaps(message.Start - PubSubResubscribe, message.End + noFaultBound)))
        {
            return;
        }

        if (!pubSub && _faults.Any(f => f.DataLostUntil is { } lostUntil && lostUntil > message.Start && f.Start <= message.End + StreamTakeOver + f.Bound))
        {
            return;
        }

        var before = ops.Where(o => o.Kind == OperationKind.Write && o.End < message.Start).Select(o => o.Version!.Value).DefaultIfEmpty().Max();
        if (before == default)
        {
            return;
        }

        foreach (var read in ops.Where(o => o.Kind == OperationKind.Read && o.Found && o.Start > message.End && o.Version!.Value <= before))
        {
            var late = read.Start - message.End;
            var bound = BoundOver(message.Start, read.End) + BridgeHops + (!pubSub && _faults.Any(f => f.Overlaps(message.Start, read.End)) ? StreamTakeOver : TimeSpan.Zero);
            if (late <= bound)
            {
                continue;
            }

            foreach (var kind in kinds)
            {
                Figures(kind).BridgeLost++;
            }

            Violate(pubSub ? "bridge stale" : "bridge lost", $"the {message.Path} invalidation of {message.Key} acknowledged by Redis at {At(message.End)} was not applied: client {read.Client} read version {read.Version} (written before it) at {At(read.Start)}, {Ms(late)} later (bound {Ms(bound)}; faults: {string.Join(", ", KindsOver(message.Start, read.End))}; {(message.AppliedSeenAt is { } seen ? $"every client saw it applied at {At(seen)}" : "not seen applied within the probe's wait")})");
            return;
        }
    }

    private void CheckBridgeTwice(BridgeMessage message, List<string> kinds, List<OperationRecord> ops, TimeSpan next)
    {
        if (message.AppliedSeenAt is not { } applied || ops.FirstOrDefault(o => o.Kind == OperationKind.Write && o.Start >= applied) is not { } rewrite)
        {
            return;
        }

        var removed = ops.FirstOrDefault(o => o.Kind == OperationKind.Read && !o.Found && o.Start > rewrite.End && o.Start < next && o.Version!.Value > rewrite.Version!.Value);
        if (removed is null)
        {
            return;
        }

        foreach (var kind in kinds)
        {
            Figures(kind).BridgeTwice++;
        }

        var grace = BridgeSetup.IsPubSub(message.Path) ? BridgeSetup.ViewChangeGrace : TimeSpan.Zero;
        if (_faults.Any(f => f.Start <= removed.End && f.End + grace >= message.Start)
            || (grace > TimeSpan.Zero && history.MembershipChanges.Any(changed => changed <= removed.End && changed + grace >= message.Start)))
        {
            return;
        }

        Violate("bridge applied twice", $"the {message.Path} invalidation of {message.Key} (acknowledged at {At(message.End)}, seen applied by every client at {At(applied)}) was applied again: after client {rewrite.Client} rewrote the key (version {rewrite.Version}, {At(rewrite.End)}), client {removed.Client} found it removed at version {removed.Version} at {At(removed.Start)}, with no fault around");
    }

    /// <summary>Faults of one client's connections: the silos and Redis, which carry bridge messages, are untouched.</summary>
    private static bool IsClientOnly(FaultKind kind) => kind is FaultKind.ClientCut or FaultKind.ClientStall or FaultKind.ClientDelay;
}
