using Microsoft.Extensions.Options;

namespace OrleansCache.Grains;

/// <summary>Rejects cache limits that cannot work.</summary>
internal sealed class CacheSiloOptionsValidator : IValidateOptions<CacheSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheSiloOptions options)
    {
        var errors = new List<string>();
        if (options.MaxKeyLength is < 1 or > Core.GrainId.MaxKeyLength)
        {
            errors.Add($"{nameof(CacheSiloOptions)}.{nameof(CacheSiloOptions.MaxKeyLength)} must be from 1 to {Core.GrainId.MaxKeyLength}.");
        }

        if (options.MaxValueBytes < 1 || options.MaxTrackedKeysPerClient < 100 || options.InMemoryMaxEntries < 1 || options.InvalidationConcurrency < 1)
        {
            errors.Add($"{nameof(CacheSiloOptions)}: {nameof(CacheSiloOptions.MaxValueBytes)}, {nameof(CacheSiloOptions.InMemoryMaxEntries)} and {nameof(CacheSiloOptions.InvalidationConcurrency)} must be positive, {nameof(CacheSiloOptions.MaxTrackedKeysPerClient)} at least 100.");
        }

        if (options.ExpirySweepInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(CacheSiloOptions)}.{nameof(CacheSiloOptions.ExpirySweepInterval)} must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
