using System.Globalization;
using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// Clients reading and writing while faults happen: each client runs a few workers that pick a key (half the time a hot
/// key) and read it (55%), write a value never written before (30%), invalidate it (12%) or invalidate its group by
/// pattern (3%), recording every operation on the run clock. Each entry of <paramref name="clients"/> gives the client
/// in that slot at the moment (an instance the runner replaced is replaced here too).
/// </summary>
internal sealed class CacheWorkload(IReadOnlyList<Func<IWorkloadClient>> clients, KeySpace keys, RunHistory history, RunClock clock, int seed, int workersPerClient) : IDisposable
{
    /// <summary>Longest an operation may take before it counts as failed (the client retries for 15 s itself).</summary>
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A pause between one worker's operations, so the load is steady and leaves the machine's 2 cores some air.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(8);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private long _writes;

    public void Start()
    {
        for (var slot = 0; slot < clients.Count; slot++)
        {
            var client = clients[slot];
            for (var w = 0; w < workersPerClient; w++)
            {
                var random = new Random(HashCode.Combine(seed, slot, w));
                _workers.Add(Task.Run(() => RunAsync(client, random, _stop.Token)));
            }
        }
    }

    /// <summary>Stops starting operations and waits for the ones in flight (each bounded by its own timeout).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync(Func<IWorkloadClient> slot, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var key = keys.Pick(random);
            var roll = random.Next(100);
            var kind = roll < 55 ? OperationKind.Read : roll < 85 ? OperationKind.Write : roll < 97 ? OperationKind.Invalidate : OperationKind.Pattern;
            await OperateAsync(slot(), kind, key, random).ConfigureAwait(false);
            try
            {
                await Task.Delay(Pace, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task OperateAsync(IWorkloadClient client, OperationKind kind, string key, Random random)
    {
        using var timeout = new CancellationTokenSource(OperationTimeout);
        var ct = timeout.Token;
        var target = kind == OperationKind.Pattern ? KeySpace.PatternOf(random.Next(keys.Groups)) : key;
        var value = kind == OperationKind.Write ? string.Create(CultureInfo.InvariantCulture, $"c{client.Number}-{Interlocked.Increment(ref _writes)}") : null;
        var start = clock.Now;
        try
        {
            OperationRecord record;
            switch (kind)
            {
                case OperationKind.Read:
                    var read = await client.ReadAsync(target, ct).ConfigureAwait(false);
                    record = new OperationRecord(client.Number, OperationKind.Read, target, start, clock.Now, true, read.Found, read.Value, read.Version);
                    break;
                case OperationKind.Write:
                    record = Done(await client.WriteAsync(target, value!, ct).ConfigureAwait(false));
                    break;
                case OperationKind.Invalidate:
                    record = Done(await client.InvalidateAsync(target, ct).ConfigureAwait(false));
                    break;
                default:
                    await client.InvalidateByPatternAsync(target, ct).ConfigureAwait(false);
                    record = Done(null);
                    break;
            }

            history.Operations.Enqueue(record);
        }
        catch (ChangeNotMadeException)
        {
            // Never sent: not an operation.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Failed or timed out: it may or may not have taken effect; the checker treats it so.
            history.Operations.Enqueue(new OperationRecord(client.Number, kind, target, start, clock.Now, false, false, value, null));
        }

        OperationRecord Done(Grains.Interfaces.CacheVersion? version) =>
            new(client.Number, kind, target, start, clock.Now, true, false, value, version);
    }
}
