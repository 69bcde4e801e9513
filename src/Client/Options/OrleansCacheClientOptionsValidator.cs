using Microsoft.Extensions.Options;

namespace OrleansCache.Client;

/// <summary>Rejects cache-client settings that cannot work, each with a message that names the setting.</summary>
internal sealed class OrleansCacheClientOptionsValidator : IValidateOptions<OrleansCacheClientOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansCacheClientOptions options)
    {
        var errors = new List<string>();
        Check(errors, options.NearCache.MaxEntries >= 1, "NearCache:MaxEntries", "must be positive");
        Check(errors, options.NearCache.DefaultTtl > TimeSpan.Zero, "NearCache:DefaultTtl", "must be positive");
        Check(errors, options.MaxKeyLength is >= 1 and <= 8 * 1024, nameof(OrleansCacheClientOptions.MaxKeyLength), "must be from 1 to 8192");
        Check(errors, options.MaxValueBytes >= 1, nameof(OrleansCacheClientOptions.MaxValueBytes), "must be positive");
        Check(errors, options.LeaseTimeout > TimeSpan.Zero, nameof(OrleansCacheClientOptions.LeaseTimeout), "must be positive");
        Check(errors, options.RevalidationBatchSize >= 1, nameof(OrleansCacheClientOptions.RevalidationBatchSize), "must be positive");
        Check(errors, options.FeedSilenceTimeout > TimeSpan.Zero, nameof(OrleansCacheClientOptions.FeedSilenceTimeout), "must be positive");
        Check(errors, options.FeedReorderWindow > TimeSpan.Zero, nameof(OrleansCacheClientOptions.FeedReorderWindow), "must be positive");
        Check(errors, options.FeedSubscribeWait >= TimeSpan.Zero, nameof(OrleansCacheClientOptions.FeedSubscribeWait), "must not be negative");
        Check(errors, options.RetryTimeout >= TimeSpan.Zero, nameof(OrleansCacheClientOptions.RetryTimeout), "must not be negative");
        Check(errors, !string.IsNullOrWhiteSpace(options.ClusterId), nameof(OrleansCacheClientOptions.ClusterId), "must not be empty");
        Check(errors, !string.IsNullOrWhiteSpace(options.ServiceId), nameof(OrleansCacheClientOptions.ServiceId), "must not be empty");
        Check(errors, options.BroadcastPrefixes.All(p => p is not null), nameof(OrleansCacheClientOptions.BroadcastPrefixes), "must not contain null (use the empty prefix for every key)");
        foreach (var gateway in options.Gateways)
        {
            Check(errors, GatewayEndpoints.TryParse(gateway, out _), nameof(OrleansCacheClientOptions.Gateways), $"has '{gateway}', which is not host:port");
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

    private static void Check(List<string> errors, bool valid, string setting, string rule)
    {
        if (!valid)
        {
            errors.Add($"{OrleansCacheClientOptions.SectionName}:{setting} {rule}.");
        }
    }
}
