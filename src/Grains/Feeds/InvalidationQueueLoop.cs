using System.Threading.Channels;

namespace OrleansCache.Grains.Feeds;

/// <summary>
/// The shape of a silo-side consumer of invalidations that must stay off the grains' turns (the outbound Redis bridge,
/// the publication on Orleans streams): a bounded queue that a grain's turn only writes to, and a loop that drains it,
/// started and stopped with the silo.
/// </summary>
/// <remarks>
/// A full queue refuses the item (<see cref="TryEnqueue"/> returns false): the caller counts it; nothing ever waits
/// for room on a grain's turn. On stop, what is queued goes out if the silo gives the time; then the loop is cancelled.
/// </remarks>
internal abstract class InvalidationQueueLoop<T> : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly Channel<T> _queue;
    private readonly int _stage;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <param name="capacity">The most items queued at once.</param>
    /// <param name="stage">The silo lifecycle stage (<see cref="ServiceLifecycleStage"/>) at which the loop starts.</param>
    protected InvalidationQueueLoop(int capacity, int stage)
    {
        _stage = stage;
        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Whether the configuration asks for this at all; if not, nothing is queued or run.</summary>
    protected abstract bool Enabled { get; }

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(GetType().Name, _stage, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    /// <summary>Queues <paramref name="item"/>; false if the queue is full.</summary>
    protected bool TryEnqueue(T item) => _queue.Writer.TryWrite(item);

    /// <summary>Checks and resolves what the loop needs, as the silo starts; an exception fails the start.</summary>
    protected virtual void OnStarting()
    {
    }

    /// <summary>Drains <paramref name="queue"/> until it completes (the silo stops) or <paramref name="cancellationToken"/> fires.</summary>
    protected abstract Task RunAsync(ChannelReader<T> queue, CancellationToken cancellationToken);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            OnStarting();
            _loop = Task.Run(() => RunAsync(_queue.Reader, _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }
}
