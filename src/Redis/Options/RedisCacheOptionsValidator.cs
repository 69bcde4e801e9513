using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansCache.Redis;

/// <summary>
/// Refuses Redis settings that cannot work, so the silo stops at startup with one line per setting (named as in
/// configuration) instead of failing on its first Redis call. Messages never repeat a secret.
/// </summary>
internal sealed class RedisCacheOptionsValidator : IValidateOptions<RedisCacheOptions>
{
    /// <summary>The longest key prefix accepted: it is repeated in every key.</summary>
    public const int MaxKeyPrefixLength = 256;

    public ValidateOptionsResult Validate(string? name, RedisCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.ConfigurationOptions is null)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                errors.Add(Setting(nameof(RedisCacheOptions.ConnectionString), "must name at least one host:port, e.g. localhost:6379"));
            }
            else
            {
                try
                {
                    _ = ConfigurationOptions.Parse(options.ConnectionString);
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException or RedisConnectionException)
                {
                    // StackExchange.Redis names the keyword it could not read, never a value.
                    errors.Add(Setting(nameof(RedisCacheOptions.ConnectionString), $"cannot be read by StackExchange.Redis ({ex.Message})"));
                }
            }
        }

        if (options.User is { } user && string.IsNullOrWhiteSpace(user))
        {
            errors.Add(Setting(nameof(RedisCacheOptions.User), "must not be blank; leave it unset for the default user"));
        }

        if (options.TrustedCertificatePath is { Length: > 0 } authority && !File.Exists(authority))
        {
            errors.Add(Setting(nameof(RedisCacheOptions.TrustedCertificatePath), $"'{authority}' does not exist"));
        }

        if (options.KeyPrefix is { } prefix
            && (prefix.Length is 0 or > MaxKeyPrefixLength || prefix.AsSpan().ContainsAnyInRange('\0', '\u001f')))
        {
            errors.Add(Setting(nameof(RedisCacheOptions.KeyPrefix), $"must have 1 to {MaxKeyPrefixLength} characters and no control characters; leave it unset for orleanscache:{{ServiceId}}:"));
        }

        Positive(errors, options.ConnectTimeout, nameof(RedisCacheOptions.ConnectTimeout));
        Positive(errors, options.OperationTimeout, nameof(RedisCacheOptions.OperationTimeout));
        if (options.ReconnectDelayLimit < TimeSpan.FromMilliseconds(1) || options.ReconnectDelayLimit > TimeSpan.FromHours(1))
        {
            errors.Add(Setting(nameof(RedisCacheOptions.ReconnectDelayLimit), "must be from 1 ms to 1 hour"));
        }

        if (options.FenceRetention < TimeSpan.FromMilliseconds(1))
        {
            errors.Add(Setting(nameof(RedisCacheOptions.FenceRetention), "must be at least 1 ms"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string setting)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(Setting(setting, "must be positive"));
        }
    }

    private static string Setting(string setting, string rule) => $"{RedisCacheOptions.SectionName}:{setting} {rule}.";
}
