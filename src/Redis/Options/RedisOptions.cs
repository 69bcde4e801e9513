namespace OrleansCache.Redis;

/// <summary>How a silo reaches Redis. Bound from the <c>Redis</c> configuration section.</summary>
/// <remarks>The connection is shared by every Redis provider of the silo and owned by the silo (disposed with it).</remarks>
public sealed class RedisOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis configuration: <c>host:port</c> (or several, comma-separated) and options. Default <c>localhost:6379</c>.</summary>
    public string ConnectionString { get; set; } = "localhost:6379";

    /// <summary>The password (of the default user). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Connect over TLS.</summary>
    public bool UseTls { get; set; }

    /// <summary>Prefix of every key OrleansCache writes. Default <c>orleanscache:{ClusterId}:</c>, so clusters sharing a Redis never mix.</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>How long connecting may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one Redis operation may take before it fails. Default 5 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The settings without the password, for logs.</summary>
    public override string ToString() =>
        $"ConnectionString={Redact(ConnectionString)}, Password={(Password is null ? "(none)" : "***")}, UseTls={UseTls}, KeyPrefix={KeyPrefix ?? "(default)"}";

    /// <summary>Removes <c>password=...</c> from a StackExchange.Redis configuration string.</summary>
    internal static string Redact(string connectionString) =>
        string.Join(',', connectionString.Split(',').Select(part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));
}
