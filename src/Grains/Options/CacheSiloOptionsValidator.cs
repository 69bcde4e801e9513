using Microsoft.Extensions.Options;

namespace OrleansCache.Grains;

/// <summary>Rejects cache settings that cannot work, each with a message that names the setting.</summary>
internal sealed class CacheSiloOptionsValidator : IValidateOptions<CacheSiloOptions>
{
    /// <summary>The longest key Orleans' grain ids carry comfortably (and Redis keys stay reasonable).</summary>
    public const int MaxKeyLengthLimit = 8 * 1024;

    public ValidateOptionsResult Validate(string? name, CacheSiloOptions options)
    {
        var errors = new List<string>();
        Check(errors, options.MaxKeyLength is >= 1 and <= MaxKeyLengthLimit, nameof(CacheSiloOptions.MaxKeyLength), $"must be from 1 to {MaxKeyLengthLimit}");
        Check(errors, options.MaxValueBytes >= 1, nameof(CacheSiloOptions.MaxValueBytes), "must be positive");
        Check(errors, options.MaxTrackedKeysPerClient >= 100, nameof(CacheSiloOptions.MaxTrackedKeysPerClient), "must be at least 100");
        Check(errors, options.FeedHeartbeatInterval > TimeSpan.Zero, nameof(CacheSiloOptions.FeedHeartbeatInterval), "must be positive");
        Check(errors, options.FeedDeliveryTimeout > TimeSpan.Zero, nameof(CacheSiloOptions.FeedDeliveryTimeout), "must be positive");
        Check(errors, options.MaxUnconfirmedBatchesPerClient >= 1, nameof(CacheSiloOptions.MaxUnconfirmedBatchesPerClient), "must be positive");
        Check(errors, options.InMemoryMaxEntries >= 1, nameof(CacheSiloOptions.InMemoryMaxEntries), "must be positive");
        Check(errors, options.ExpirySweepInterval > TimeSpan.Zero, nameof(CacheSiloOptions.ExpirySweepInterval), "must be positive");
        Check(errors, options.FenceRetention > TimeSpan.Zero, nameof(CacheSiloOptions.FenceRetention), "must be positive");
        Check(errors, options.InvalidationConcurrency >= 1, nameof(CacheSiloOptions.InvalidationConcurrency), "must be positive");
        Check(errors, options.SiloStatsTimeout > TimeSpan.Zero, nameof(CacheSiloOptions.SiloStatsTimeout), "must be positive");
        Check(errors, options.MaxStatsSeries >= 10, nameof(CacheSiloOptions.MaxStatsSeries), "must be at least 10");
        Check(errors, options.ConnectionPreambleTimeout > TimeSpan.Zero || options.ConnectionPreambleTimeout == Timeout.InfiniteTimeSpan, nameof(CacheSiloOptions.ConnectionPreambleTimeout), "must be positive, or -00:00:00.001 (infinite) to turn the guard off");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, bool valid, string setting, string rule)
    {
        if (!valid)
        {
            errors.Add($"{CacheSiloOptions.SectionName}:{setting} {rule}.");
        }
    }
}
