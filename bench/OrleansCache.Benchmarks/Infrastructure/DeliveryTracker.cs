using System.Diagnostics;
using System.Globalization;
using OrleansCache.Client;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// Message i sent to every receiver: when it was sent, and each receiver's first arrival of it. Arrivals of the first
/// <c>warmup</c> messages count for completion but not for the latency figures; a repeated arrival counts once.
/// </summary>
internal sealed class DeliveryTracker
{
    /// <summary>How long a side waits for its last arrivals before counting them missing.</summary>
    public static readonly TimeSpan PatientTimeout = TimeSpan.FromSeconds(60);

    private readonly long[] _started;
    private readonly int[] _arrived;
    private readonly int _count;
    private readonly int _warmup;
    private int _resyncs;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _remaining;

    public DeliveryTracker(int count, int receivers, int warmup)
    {
        _count = count;
        _warmup = warmup;
        _started = new long[count];
        _arrived = new int[count * receivers];
        _remaining = (long)count * receivers;
    }

    public LatencyRecorder Latencies { get; } = new();

    public long Missing => Interlocked.Read(ref _remaining);

    /// <summary>Message <paramref name="index"/> is being sent now.</summary>
    public void Started(int index) => Volatile.Write(ref _started[index], Stopwatch.GetTimestamp());

    /// <summary>The send timestamp of <paramref name="index"/>.</summary>
    public long StartOf(int index) => Volatile.Read(ref _started[index]);

    /// <summary>Whether <paramref name="index"/> is measured (past the warm-up).</summary>
    public bool Measured(int index) => index >= _warmup;

    public void Arrived(int receiver, int index)
    {
        var now = Stopwatch.GetTimestamp();
        if ((uint)index >= (uint)_count || Interlocked.Exchange(ref _arrived[(receiver * _count) + index], 1) != 0)
        {
            return;
        }

        if (index >= _warmup)
        {
            Latencies.Record(Volatile.Read(ref _started[index]), now);
        }

        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>How many resynchronizations the listened-to caches reported (each may have dropped arrivals).</summary>
    public int Resyncs => Volatile.Read(ref _resyncs);

    /// <summary>
    /// Counts the invalidations of keys under <paramref name="prefix"/> that the i-th of <paramref name="caches"/> raises
    /// as arrivals at receiver i, and their resyncs, until the result is disposed.
    /// </summary>
    public IDisposable Listen(IEnumerable<IOrleansCache> caches, string prefix)
    {
        var handlers = caches.Select((cache, receiver) =>
        {
            EventHandler<CacheInvalidatedEventArgs> handler = (_, e) =>
            {
                if (e.Kind == CacheInvalidationKind.Resync)
                {
                    Interlocked.Increment(ref _resyncs);
                }
                else if (e.Target is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    Arrived(receiver, key);
                }
            };
            cache.Invalidated += handler;
            return (cache, handler);
        }).ToList();
        return new Unsubscriber(() => handlers.ForEach(h => h.cache.Invalidated -= h.handler));
    }

    /// <summary>An arrival named by a key or channel message ending in <c>:{index}</c> (others are ignored).</summary>
    public void Arrived(int receiver, string? key)
    {
        var colon = key?.LastIndexOf(':') ?? -1;
        if (colon >= 0 && int.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            Arrived(receiver, index);
        }
    }

    /// <summary>Waits until every receiver has every message, or <paramref name="timeout"/>; returns how many arrivals are missing.</summary>
    public async Task<long> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // Reported as missing arrivals.
        }

        return Missing;
    }
}
