using Microsoft.Extensions.Options;

namespace OrleansCache.Redis;

/// <summary>Rejects Redis settings that cannot work.</summary>
internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"{nameof(RedisOptions)}.{nameof(RedisOptions.ConnectionString)} must name at least one host:port.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.OperationTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RedisOptions)} timeouts must be positive.");
        }

        if (options.KeyPrefix is { Length: 0 })
        {
            errors.Add($"{nameof(RedisOptions)}.{nameof(RedisOptions.KeyPrefix)} must not be empty; leave it unset for the default.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
