using System.Diagnostics;

namespace OrleansCache.DeliveryCandidates;

/// <summary>
/// Where every client of every candidate reports an event it applied. The sink forwards to the current
/// <see cref="Phase"/>; events arriving between phases (late stragglers of a finished phase) are counted, not recorded.
/// </summary>
internal sealed class DeliverySink
{
    private Phase? _phase;
    private long _strays;

    public Phase? Current
    {
        get => Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, value);
    }

    public long Strays => Interlocked.Read(ref _strays);

    public void Deliver(int client, in Invalidation e)
    {
        var now = Stopwatch.GetTimestamp();
        if (Current is not { } phase || !phase.Record(client, e.Seq, now - e.Stamp))
        {
            Interlocked.Increment(ref _strays);
        }
    }
}

/// <summary>
/// The arrivals of one phase: events <c>first .. first+count-1</c> at <c>n</c> clients. Each arrival only writes a
/// latency into a preallocated slot (no histogram work on the hot path); the statistics are computed afterwards.
/// </summary>
internal sealed class Phase
{
    private readonly long _first;
    private readonly long[][] _latencyTicks; // [client][event]; 0 = not arrived (a real latency is >= 1 tick)
    private readonly long[] _maxSeen;
    private readonly long[] _reordered;
    private readonly long[] _duplicates;
    private readonly object[] _locks;
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _remaining;
    private long _arrived;

    public Phase(long first, int count, int clients)
    {
        _first = first;
        Count = count;
        Clients = clients;
        _latencyTicks = new long[clients][];
        _locks = new object[clients];
        for (var c = 0; c < clients; c++)
        {
            _latencyTicks[c] = new long[count];
            _locks[c] = new object();
        }

        _maxSeen = new long[clients];
        _reordered = new long[clients];
        _duplicates = new long[clients];
        _remaining = (long)count * clients;
    }

    public int Count { get; }

    public int Clients { get; }

    public long Arrived => Interlocked.Read(ref _arrived);

    /// <summary>Returns false when the event does not belong to this phase.</summary>
    public bool Record(int client, long seq, long latencyTicks)
    {
        var index = seq - _first;
        if ((ulong)index >= (ulong)Count || (uint)client >= (uint)Clients)
        {
            return false;
        }

        // A client's deliveries are usually sequential already; the lock makes that an invariant, uncontended and cheap.
        lock (_locks[client])
        {
            ref var slot = ref _latencyTicks[client][index];
            if (slot != 0)
            {
                _duplicates[client]++;
                return true;
            }

            slot = Math.Max(1, latencyTicks);
            if (seq < _maxSeen[client])
            {
                _reordered[client]++;
            }
            else
            {
                _maxSeen[client] = seq;
            }
        }

        Interlocked.Increment(ref _arrived);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _allArrived.TrySetResult();
        }

        return true;
    }

    /// <summary>
    /// Waits until every client has every event, or until nothing new has arrived for <paramref name="quiet"/>
    /// (then the missing ones count as lost). The timeout is only the verdict "lost"; completion itself is awaited.
    /// </summary>
    public async Task WaitAsync(TimeSpan quiet)
    {
        while (!_allArrived.Task.IsCompleted)
        {
            var before = Arrived;
            await Task.WhenAny(_allArrived.Task, Task.Delay(quiet));
            if (Arrived == before)
            {
                return;
            }
        }
    }

    public PhaseStats Summarize()
    {
        var last = Histograms.New();
        var any = Histograms.New();
        long lostDeliveries = 0, incompleteEvents = 0;
        var clientsWithLoss = 0;
        for (var c = 0; c < Clients; c++)
        {
            var lostHere = 0;
            foreach (var ticks in _latencyTicks[c])
            {
                if (ticks == 0)
                {
                    lostHere++;
                }
                else
                {
                    any.RecordValue(Histograms.Micros(ticks));
                }
            }

            lostDeliveries += lostHere;
            clientsWithLoss += lostHere > 0 ? 1 : 0;
        }

        for (var i = 0; i < Count; i++)
        {
            long slowest = 0;
            var complete = true;
            for (var c = 0; c < Clients && complete; c++)
            {
                var ticks = _latencyTicks[c][i];
                complete = ticks != 0;
                slowest = Math.Max(slowest, ticks);
            }

            if (complete)
            {
                last.RecordValue(Histograms.Micros(slowest));
            }
            else
            {
                incompleteEvents++;
            }
        }

        return new PhaseStats(
            last,
            any,
            lostDeliveries,
            incompleteEvents,
            clientsWithLoss,
            _reordered.Sum(),
            _reordered.Count(r => r > 0),
            _duplicates.Sum());
    }
}

internal sealed record PhaseStats(
    HdrHistogram.LongHistogram LastClient,
    HdrHistogram.LongHistogram PerClient,
    long LostDeliveries,
    long IncompleteEvents,
    int ClientsWithLoss,
    long Reordered,
    int ClientsReordered,
    long Duplicates);

internal static class Histograms
{
    /// <summary>Microseconds from 1 µs to 10 minutes at 3 significant digits.</summary>
    public static HdrHistogram.LongHistogram New() => new(600_000_000, 3);

    public static long Micros(long stopwatchTicks) => Math.Max(1, stopwatchTicks * 1_000_000 / Stopwatch.Frequency);
}
