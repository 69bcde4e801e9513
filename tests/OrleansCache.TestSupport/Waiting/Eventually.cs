namespace OrleansCache.TestSupport.Waiting;

/// <summary>Waits until a condition holds, with a timeout: never a fixed sleep standing in for "long enough".</summary>
public static class Eventually
{
    /// <summary>How long a condition may take by default: generous, since CI machines are slow and shared.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it returns true; fails with <paramref name="what"/> past the timeout.</summary>
    /// <exception cref="TimeoutException">The condition never held.</exception>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition().ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for: {what}.");
            }

            // The pause between two looks at the condition, not a wait for an outcome.
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a synchronous <paramref name="condition"/>.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout, cancellationToken);
}
