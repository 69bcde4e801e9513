using StackExchange.Redis;

namespace OrleansCache.Redis;

/// <summary>
/// Redacts the password inside a Redis connection string or <see cref="ConfigurationOptions"/> when Orleans logs options
/// at startup, keeping the rest (hosts, TLS, user) readable.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RedactConnectionAttribute : RedactAttribute
{
    public override string Redact(object? value) => value switch
    {
        ConfigurationOptions options => options.ToString(includePassword: false),
        string text => RedactText(text),
        _ => base.Redact(value),
    };

    /// <summary>
    /// A connection string without its <c>password=</c> part. Parsed by StackExchange.Redis itself, so every spelling it
    /// accepts is redacted; text it cannot parse is hidden whole, since where its secret sits is unknown.
    /// </summary>
    public static string RedactText(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "(none)";
        }

        try
        {
            return ConfigurationOptions.Parse(connectionString, ignoreUnknown: true).ToString(includePassword: false);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or RedisConnectionException)
        {
            return "(unreadable, hidden)";
        }
    }
}
