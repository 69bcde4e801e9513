using Microsoft.Extensions.Options;

namespace OrleansCache.Client;

/// <summary>Rejects cache-client settings that cannot work.</summary>
internal sealed class OrleansCacheClientOptionsValidator : IValidateOptions<OrleansCacheClientOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansCacheClientOptions options)
    {
        var errors = new List<string>();
        var cluster = new ClusterClientOptionsValidator().Validate(name, options.Cluster);
        if (cluster.Failed)
        {
            errors.AddRange(cluster.Failures);
        }

        if (options.NearCache.MaxEntries < 1 || options.NearCache.DefaultTtl <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(NearCacheOptions)}.{nameof(NearCacheOptions.MaxEntries)} and {nameof(NearCacheOptions.DefaultTtl)} must be positive.");
        }

        if (options.MaxKeyLength is < 1 or > Core.GrainId.MaxKeyLength)
        {
            errors.Add($"{nameof(OrleansCacheClientOptions.MaxKeyLength)} must be from 1 to {Core.GrainId.MaxKeyLength}.");
        }

        if (options.MaxValueBytes < 1 || options.MaxValueBytes >= options.Cluster.Connection.MaxFrameBytes)
        {
            errors.Add($"{nameof(OrleansCacheClientOptions.MaxValueBytes)} must be positive and below the connection's MaxFrameBytes ({options.Cluster.Connection.MaxFrameBytes}).");
        }

        if (options.LeaseTimeout <= TimeSpan.Zero || options.RevalidationBatchSize < 1)
        {
            errors.Add($"{nameof(OrleansCacheClientOptions.LeaseTimeout)} and {nameof(OrleansCacheClientOptions.RevalidationBatchSize)} must be positive.");
        }

        foreach (var prefix in options.BroadcastPrefixes)
        {
            // The empty prefix is allowed: every key starts with it, so it subscribes to every invalidation.
            if (prefix is null)
            {
                errors.Add("Broadcast prefixes must not be null (use the empty prefix for every key).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(OrleansCacheClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new OrleansCacheClientOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(OrleansCacheClientOptions), typeof(OrleansCacheClientOptions), result.Failures);
        }
    }
}
