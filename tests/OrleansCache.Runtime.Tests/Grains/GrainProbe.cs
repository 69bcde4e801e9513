using System.Collections.Concurrent;

namespace OrleansCache.Runtime.Tests.Grains;

/// <summary>
/// What test grains report about themselves, per grain key. Silos run in the test process, so grains write here and
/// tests read here; every test uses its own keys, so tests running in parallel never share an entry.
/// </summary>
public sealed class GrainProbe
{
    private static readonly ConcurrentDictionary<string, GrainProbe> Probes = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, GateState> Gates = new(StringComparer.Ordinal);

    private readonly ConcurrentQueue<string> _activations = new();
    private readonly ConcurrentQueue<DeactivationReason> _deactivations = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<GrainProbe, bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private int _overlaps;

    public IReadOnlyCollection<string> Activations => [.. _activations];

    public IReadOnlyCollection<DeactivationReason> Deactivations => [.. _deactivations];

    public int Overlaps => Volatile.Read(ref _overlaps);

    public static GrainProbe For(string key) => Probes.GetOrAdd(key, _ => new GrainProbe());

    public static GateState Gate(string name) => Gates.GetOrAdd(name, _ => new GateState());

    /// <summary>Completes when <paramref name="condition"/> holds (checked now and after every event).</summary>
    public Task WhenAsync(Func<GrainProbe, bool> condition, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, signal));
        }

        return signal.Task.WaitAsync(timeout);
    }

    internal void OnActivated(string activationId)
    {
        _activations.Enqueue(activationId);
        Notify();
    }

    internal void OnDeactivated(DeactivationReason reason)
    {
        _deactivations.Enqueue(reason);
        Notify();
    }

    internal void OnOverlap() => Interlocked.Increment(ref _overlaps);

    private void Notify()
    {
        List<TaskCompletionSource> ready;
        lock (_lock)
        {
            ready = [.. _waiters.Where(w => w.Condition(this)).Select(w => w.Signal)];
            _waiters.RemoveAll(w => ready.Contains(w.Signal));
        }

        foreach (var signal in ready)
        {
            signal.TrySetResult();
        }
    }

    public sealed class GateState
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
