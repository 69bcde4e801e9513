namespace OrleansCache.Runtime.Messaging;

/// <summary>Counts calls in progress and lets a graceful stop wait until none is left.</summary>
internal sealed class InFlightCounter
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource? _zero;

    public int Count => Volatile.Read(ref _count);

    public void Increment()
    {
        lock (_lock)
        {
            _count++;
        }
    }

    public void Decrement()
    {
        TaskCompletionSource? signal = null;
        lock (_lock)
        {
            if (--_count == 0)
            {
                signal = _zero;
                _zero = null;
            }
        }

        signal?.TrySetResult();
    }

    /// <summary>Completes when the count is zero (at once if it is now).</summary>
    public Task WhenZero()
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                return Task.CompletedTask;
            }

            _zero ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _zero.Task;
        }
    }
}
