using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansCache.TestSupport.Peers;

namespace OrleansCache.Benchmarks.Peers;

/// <summary>
/// FusionCache's backplane subscribes in the background, so until it has, an instance misses messages: probes from a
/// sender until every listener has heard one.
/// </summary>
internal static class FusionBackplaneProbe
{
    /// <summary>The key probes are written to; listeners' own handlers should ignore it.</summary>
    public const string Key = "fusion:probe";

    private static readonly byte[] Value = new byte[1];

    public static async Task WaitUntilHeardAsync(FusionCacheNode sender, IReadOnlyList<FusionCacheNode> listeners, CancellationToken cancellationToken)
    {
        var heard = new ConcurrentDictionary<int, bool>();
        var handlers = listeners.Select((node, n) =>
        {
            EventHandler<ZiggyCreatures.Caching.Fusion.Events.FusionCacheBackplaneMessageEventArgs> handler = (_, e) =>
            {
                if (e.Message.CacheKey == Key)
                {
                    heard[n] = true;
                }
            };
            node.Cache.Events.Backplane.MessageReceived += handler;
            return handler;
        }).ToList();
        try
        {
            var deadline = Stopwatch.GetTimestamp() + (120 * Stopwatch.Frequency);
            while (heard.Count < listeners.Count)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"Only {heard.Count} of {listeners.Count} FusionCache instances heard the backplane probe.");
                }

                await sender.Cache.SetAsync(Key, Value, token: cancellationToken);
                await Task.Delay(20, cancellationToken);
            }
        }
        finally
        {
            for (var n = 0; n < listeners.Count; n++)
            {
                listeners[n].Cache.Events.Backplane.MessageReceived -= handlers[n];
            }
        }
    }
}
