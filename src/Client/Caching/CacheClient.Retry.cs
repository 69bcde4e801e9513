using Orleans.Runtime.Messaging;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>Retrying idempotent calls across failovers.</summary>
internal sealed partial class CacheClient
{
    /// <summary>
    /// Runs an idempotent cache call, sending it again after failures that mean it did not run or may safely run again:
    /// the target silo was unavailable or rejected the message (a silo died and the cluster has not yet moved its
    /// grains), the gateway connection failed, or storage refused a stale activation's change (a newer activation of
    /// the key had claimed it: docs/adr/0042; the stale one deactivates, so the call reaches a new one), or a silo that
    /// stood still could not confirm it still owns the entry (<see cref="CacheOwnerStalledException"/>). Every cache
    /// operation is idempotent (reads, setting a value, invalidating, version checks, and lease calls, which name their
    /// lease), so a failover is invisible to cache users. Retries stay within <see cref="OrleansCacheClientOptions.RetryTimeout"/>.
    /// A timeout is retried only for calls that change nothing a caller relies on (<paramref name="retryTimeouts"/>:
    /// reads, lease requests and lease waits): a silo stopping gracefully can lose its answers on its closing gateway
    /// connection, and asking again reaches the key's next activation. Other calls may still be running, so their
    /// timeout is the caller's to see.
    /// </summary>
    private Task<T> IdempotentAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken, bool retryTimeouts = false) =>
        IdempotentAsync(() => new ValueTask<T>(call()), cancellationToken, retryTimeouts);

    /// <summary>The same for a call that returns a <see cref="ValueTask{TResult}"/> (the remote read): awaited as it is, unless the caller can cancel.</summary>
    private async Task<T> IdempotentAsync<T>(Func<ValueTask<T>> call, CancellationToken cancellationToken, bool retryTimeouts = false)
    {
        // Real time: a test's fake cache clock must not stall retries.
        var real = TimeProvider.System;
        var started = real.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                var pending = call();
                return cancellationToken.CanBeCanceled ? await pending.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false) : await pending.ConfigureAwait(false);
            }
            catch (Exception ex) when ((IsRetriable(ex) || (retryTimeouts && ex is TimeoutException)) && !cancellationToken.IsCancellationRequested && real.GetElapsedTime(started) + delay < _options.RetryTimeout)
            {
                _metrics.Retry(ex.GetType().Name);
                await Task.Delay(delay, real, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
            }
        }
    }

    /// <summary>Failures after which the call certainly did not take effect, or may be sent again because it is idempotent.</summary>
    internal static bool IsRetriable(Exception ex) =>
        ex is CacheStorageConflictException or CacheOwnerStalledException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException;
}
