namespace OrleansCache.Cache.Tests.Streams;

/// <summary>What <see cref="FaultyMemoryStreamSerializer"/> does to each message: nothing, throw, or hold it until released.</summary>
internal sealed class StreamProviderFault : IDisposable
{
    private static readonly TimeSpan LongestHold = TimeSpan.FromSeconds(60);

    private readonly ManualResetEventSlim _released = new(initialState: true);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether every message throws.</summary>
    public bool Failing { get; set; }

    /// <summary>Completes once a message is being held.</summary>
    public Task Held => _held.Task;

    /// <summary>Holds every message from now on until <see cref="Release"/>.</summary>
    public void Hold() => _released.Reset();

    public void Release() => _released.Set();

    public void Dispose() => _released.Dispose();

    public void Apply()
    {
        if (Failing)
        {
            throw new InvalidOperationException("The test's stream provider refuses every message.");
        }

        if (!_released.IsSet)
        {
            _held.TrySetResult();

            // Blocks the producer's thread, as a provider stuck in a synchronous call would; bounded so a failed test
            // cannot leave it blocked.
            _released.Wait(LongestHold);
        }
    }
}
