using Microsoft.Extensions.Options;

namespace OrleansCache.Grains;

/// <summary>Rejects stream publication settings that cannot work, each with a message that names the setting.</summary>
internal sealed class CacheStreamOptionsValidator : IValidateOptions<CacheStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Check(errors, options.ProviderName is null || !string.IsNullOrWhiteSpace(options.ProviderName), nameof(CacheStreamOptions.ProviderName), "must name a stream provider, or be left out to publish nothing");
        Check(errors, !string.IsNullOrWhiteSpace(options.KeyNamespace), nameof(CacheStreamOptions.KeyNamespace), "must not be empty");
        Check(errors, !string.IsNullOrWhiteSpace(options.BroadNamespace), nameof(CacheStreamOptions.BroadNamespace), "must not be empty");
        Check(errors, !string.Equals(options.KeyNamespace, options.BroadNamespace, StringComparison.Ordinal), nameof(CacheStreamOptions.BroadNamespace), $"must differ from {nameof(CacheStreamOptions.KeyNamespace)} (a key could be named like the broad stream)");
        Check(errors, options.QueueCapacity >= 1, nameof(CacheStreamOptions.QueueCapacity), "must be positive");
        Check(errors, options.PublishTimeout > TimeSpan.Zero, nameof(CacheStreamOptions.PublishTimeout), "must be positive");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, bool valid, string setting, string rule)
    {
        if (!valid)
        {
            errors.Add($"{CacheStreamOptions.SectionName}:{setting} {rule}.");
        }
    }
}
