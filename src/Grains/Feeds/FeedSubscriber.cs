using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Feeds;

/// <summary>One subscription to a feed: what it wants, how far its numbering has come, and what its client confirmed.</summary>
/// <remarks>Used only on its feed grain's turns, so it needs no lock.</remarks>
internal sealed class FeedSubscriber(Guid id, IInvalidationObserver observer, string[] prefixes)
{
    public Guid Id { get; } = id;

    public IInvalidationObserver Observer { get; set; } = observer;

    /// <summary>Broadcast mode's prefixes (empty: tracking only).</summary>
    public string[] Prefixes { get; } = prefixes;

    /// <summary>The keys this subscription read or wrote, as their grains registered them.</summary>
    public HashSet<string> Tracked { get; } = new(StringComparer.Ordinal);

    /// <summary>The number of the last batch sent.</summary>
    public long Sequence { get; set; }

    /// <summary>The number up to which the client confirmed having every batch, at its last heartbeat.</summary>
    public long Confirmed { get; set; }

    public bool HeartbeatInFlight { get; set; }

    /// <summary>Heartbeats in a row that failed (timed out, or the client could not be reached).</summary>
    public int HeartbeatFailures { get; set; }

    /// <summary>Set once the feed has let the subscription go.</summary>
    public bool Ended { get; set; }

    /// <summary>True if this subscription holds, or may hold, what <paramref name="item"/> invalidates.</summary>
    public bool Concerns(in Invalidation item)
    {
        if (item.Kind != InvalidationKind.Key || Tracked.Contains(item.Target!))
        {
            return true;
        }

        foreach (var prefix in Prefixes)
        {
            if (item.Target!.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
