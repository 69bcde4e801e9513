using Microsoft.Extensions.Logging;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.Redis.Diagnostics;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Applies a validated bridge invalidation through the cache's grains: one key through its grain, several keys, a
/// pattern or everything through the coordinator (which treats <c>*</c> as "all" unless the cluster refuses that).
/// </summary>
internal sealed partial class BridgeApplier(CacheGrainReferences grains, BridgeSettings settings, RejectionLog rejections, RedisMetrics metrics, TimeProvider time, ILogger<BridgeApplier> logger)
{
    /// <summary>The pause before the second attempt; doubled for each one after.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Applies <paramref name="invalidation"/>, trying again after failures (a stale activation's conflict, a silo
    /// that just died, a timeout) up to <see cref="RedisBridgeOptions.ApplyAttempts"/> times.
    /// </summary>
    /// <returns>
    /// True once the message is done with: applied, or refused by the cluster (it will never apply). False if every
    /// attempt failed: the stream path leaves the entry pending to try again later.
    /// </returns>
    public async Task<bool> ApplyAsync(string path, string channel, BridgeInvalidation invalidation, CancellationToken cancellationToken)
    {
        var attempts = settings.Options.ApplyAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InvalidateAsync(invalidation).WaitAsync(cancellationToken).ConfigureAwait(false);
                metrics.Applied(path);
                return true;
            }
            catch (ArgumentException ex)
            {
                // Validated here, refused there: a match-all pattern while Cache:AllowMatchAllPattern is false.
                rejections.Rejected(path, channel, new BridgeRejection(BridgeRejectionReason.RefusedByCluster, ex.Message));
                return true;
            }
            catch (Exception ex) when (attempt < attempts && !cancellationToken.IsCancellationRequested)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    var error = UntrustedText.ForLog(ex.Message);
                    LogRetrying(logger, path, attempt, error);
                }

                await Task.Delay(FirstBackoff * (1 << Math.Min(attempt - 1, 6)), time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                metrics.ApplyFailed(path);
                LogFailed(logger, path, UntrustedText.ForLog(channel), attempts, ex.GetType().Name, UntrustedText.ForLog(ex.Message));
                return false;
            }
        }
    }

    private Task InvalidateAsync(BridgeInvalidation invalidation) => invalidation.Kind switch
    {
        BridgeInvalidationKind.Key => grains.Entry(invalidation.Keys[0]).InvalidateAsync(),
        BridgeInvalidationKind.Keys => Coordinator.InvalidateKeysAsync([.. invalidation.Keys]),
        BridgeInvalidationKind.Pattern => Coordinator.InvalidatePatternAsync(invalidation.Pattern!),
        BridgeInvalidationKind.All => Coordinator.InvalidateAllAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(invalidation), invalidation.Kind, "Unknown bridge invalidation kind."),
    };

    /// <summary>Invalidates every key under <paramref name="prefix"/>, for messages that may have been lost.</summary>
    public Task InvalidatePrefixAsync(string prefix) => Coordinator.InvalidatePatternAsync(prefix + "*");

    /// <summary>Invalidates everything, for messages that may have been lost and could have named any key.</summary>
    public Task InvalidateAllAsync() => Coordinator.InvalidateAllAsync();

    // A stateless worker: key 0 is as good as any, each silo runs its own activations.
    private ICacheCoordinatorGrain Coordinator => grains.Coordinator();

    [LoggerMessage(EventId = 5221, Level = LogLevel.Debug, Message = "Applying a {Path} bridge message failed (attempt {Attempt}): {Error}; trying again")]
    private static partial void LogRetrying(ILogger logger, string path, int attempt, string error);

    [LoggerMessage(EventId = 5222, Level = LogLevel.Warning, Message = "Applying a {Path} bridge message from {Channel} failed {Attempts} times ({ErrorType}: {Error}); giving up on it")]
    private static partial void LogFailed(ILogger logger, string path, string channel, int attempts, string errorType, string error);
}
