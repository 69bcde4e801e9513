using System.Globalization;
using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// Get-or-create bursts beside the workload (G6): every <paramref name="interval"/>, a fresh key (<c>goc:N</c>, outside
/// the workload's keys and patterns) gets <paramref name="callsPerClient"/> concurrent <c>GetOrCreateAsync</c> calls
/// from every client at once. Each factory run is recorded (key, client, time, a value unique to the run) and takes
/// <see cref="FactoryTime"/>, as a database load would, so the calls overlap it. Bursts are started on the interval
/// whether or not the one before has finished (one waiting out a lease under a fault must not stop the others).
/// </summary>
internal sealed class GetOrCreateBursts(IReadOnlyList<Func<IGetOrCreateClient>> clients, RunHistory history, RunClock clock, TimeSpan interval, int callsPerClient) : IDisposable
{
    /// <summary>How long a factory takes: long enough for every call of the burst to arrive while it runs.</summary>
    private static readonly TimeSpan FactoryTime = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Longest a call may take before it counts as failed: longer than the lease timeout (30 s), after which a waiter
    /// takes over a fill whose holder was lost.
    /// </summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(45);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _bursts = [];
    private Task _loop = Task.CompletedTask;
    private int _keys;
    private int _runs;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Starts no more bursts and waits for those under way (each call bounded by its timeout).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await Task.WhenAll(_bursts).ConfigureAwait(false);
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            _bursts.Add(BurstAsync(string.Create(CultureInfo.InvariantCulture, $"goc:{Interlocked.Increment(ref _keys)}")));
            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task BurstAsync(string key)
    {
        var start = clock.Now;
        var calls = new List<Task<string?>>();
        foreach (var slot in clients)
        {
            var client = slot();
            for (var i = 0; i < callsPerClient; i++)
            {
                calls.Add(CallAsync(client, key));
            }
        }

        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        history.Bursts.Enqueue(new GetOrCreateBurst(key, start, clock.Now, calls.Count, [.. results.OfType<string>()]));
    }

    /// <summary>One call; null if it threw or timed out (it may or may not have run the factory, which records itself).</summary>
    private async Task<string?> CallAsync(IGetOrCreateClient client, string key)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        try
        {
            return await client.GetOrCreateAsync(key, ct => FactoryAsync(client.Number, key, ct), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    private async Task<string> FactoryAsync(int client, string key, CancellationToken cancellationToken)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"{key} made by client {client}, run {Interlocked.Increment(ref _runs)}");
        history.FactoryRuns.Enqueue(new FactoryRun(key, client, clock.Now, value));
        // The load the factory stands for (a database query): it is what makes the burst's calls overlap the fill.
        await Task.Delay(FactoryTime, cancellationToken).ConfigureAwait(false);
        return value;
    }
}
