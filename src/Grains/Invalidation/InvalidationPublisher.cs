using Google.Protobuf;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Interfaces.Protocol;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Grains.Invalidation;

/// <summary>Sends the invalidations a silo applies to every silo, whose gateways pass them on to their clients.</summary>
internal sealed class InvalidationPublisher(SiloMessenger messenger, CacheSiloMetrics metrics, IEnumerable<ICacheInvalidationObserver> observers, TimeProvider time)
{
    private readonly ICacheInvalidationObserver[] _observers = [.. observers];

    public void PublishKey(string key, CacheVersion version)
    {
        metrics.InvalidationPublished("key");
        Publish(new Interfaces.Protocol.Invalidation { Key = key, Version = version.ToWire() });
        foreach (var observer in _observers)
        {
            observer.OnKeyInvalidated(key, version);
        }
    }

    public void PublishPattern(string pattern)
    {
        metrics.InvalidationPublished("pattern");
        Publish(new Interfaces.Protocol.Invalidation { Pattern = pattern });
        foreach (var observer in _observers)
        {
            observer.OnPatternInvalidated(pattern);
        }
    }

    public void PublishTag(string tag)
    {
        metrics.InvalidationPublished("tag");
        Publish(new Interfaces.Protocol.Invalidation { Tag = tag });
        foreach (var observer in _observers)
        {
            observer.OnTagInvalidated(tag);
        }
    }

    public void PublishAll()
    {
        metrics.InvalidationPublished("all");
        Publish(new Interfaces.Protocol.Invalidation { All = true });
        foreach (var observer in _observers)
        {
            observer.OnAllInvalidated();
        }
    }

    private void Publish(Interfaces.Protocol.Invalidation invalidation)
    {
        // Stamped so each gateway can measure the fan-out latency (orleanscache.cache.invalidations.fanout.duration).
        var batch = new InvalidationBatch { PublishedAtUnixUs = InvalidationClock.UnixMicroseconds(time) };
        batch.Items.Add(invalidation);
        messenger.PostToAll(CacheStreams.Invalidations, batch.ToByteString());
    }
}
