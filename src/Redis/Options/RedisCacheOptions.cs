using StackExchange.Redis;

namespace OrleansCache.Redis;

/// <summary>
/// How a silo reaches Redis, for Redis storage and the invalidation bridge. Bound from the <c>Redis</c> configuration
/// section (<c>Redis:ConnectionString</c>, <c>Redis:User</c>, <c>Redis:Password</c>, ...).
/// </summary>
/// <remarks>
/// One connection per silo, shared by storage and the bridge, opened on first use and closed when the silo's services
/// are disposed: the silo owns it. <see cref="Password"/> is never logged: <see cref="ToString"/> and Orleans' startup
/// dump of options redact it, also where it hides in <see cref="ConnectionString"/> or <see cref="ConfigurationOptions"/>.
/// </remarks>
public sealed class RedisCacheOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Redis";

    /// <summary>
    /// StackExchange.Redis configuration: <c>host:port</c> (several comma-separated) and options such as
    /// <c>ssl=true</c>. Default <c>localhost:6379</c>. Ignored when <see cref="ConfigurationOptions"/> is set.
    /// </summary>
    [RedactConnection]
    public string ConnectionString { get; set; } = "localhost:6379";

    /// <summary>
    /// Full StackExchange.Redis configuration, for settings a connection string cannot carry (certificate callbacks,
    /// a socket factory). Code only; takes precedence over <see cref="ConnectionString"/>. It is cloned, never changed.
    /// </summary>
    [RedactConnection]
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>The Redis 6+ ACL user name; null for the default user (or the one in the connection string).</summary>
    public string? User { get; set; }

    /// <summary>The password of <see cref="User"/> (or of the default user). Never logged.</summary>
    [Redact]
    public string? Password { get; set; }

    /// <summary>Connect over TLS (also on with <c>ssl=true</c> in the connection string). Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// A PEM file of the certificate authority that issued Redis' TLS certificate, trusted for the connection (a private
    /// CA the machine does not trust). Default none: the machine's trusted roots only.
    /// </summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>
    /// The prefix of every key OrleansCache writes to Redis. Default <c>orleanscache:{ServiceId}:</c> with Orleans'
    /// <c>ClusterOptions.ServiceId</c>, so services sharing a Redis never mix, and a redeployed cluster (new cluster
    /// id, same service id) finds its entries.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>How long connecting may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one Redis call may take before it fails with <see cref="TimeoutException"/> (its outcome then unknown). Default 5 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a lost connection waits between attempts to connect again. Default 2 s. The silo's membership (with
    /// Orleans' Redis clustering) and its entries depend on this connection, so it comes back within about this much of
    /// Redis coming back; StackExchange.Redis' own default waits up to 10 s. A waiting attempt costs nothing; each one
    /// made is one connection attempt to Redis. Ignored when <see cref="ConfigurationOptions"/> is set (its own
    /// <c>ReconnectRetryPolicy</c> applies).
    /// </summary>
    public TimeSpan ReconnectDelayLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long Redis storage keeps a key's fence (the epoch of its latest activation) after the key's entry is gone:
    /// within it, a late change from an older activation is refused by the fence; after it, by the floor (any
    /// activation that claimed the key longer ago than this). Default 10 min.
    /// </summary>
    public TimeSpan FenceRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The settings without secrets, for logs.</summary>
    public override string ToString() =>
        $"{nameof(ConnectionString)}={RedactConnectionAttribute.RedactText(ConnectionString)}, " +
        $"{nameof(ConfigurationOptions)}={(ConfigurationOptions is null ? "(none)" : ConfigurationOptions.ToString(includePassword: false))}, " +
        $"{nameof(User)}={User ?? "(default)"}, {nameof(Password)}={(Password is null ? "(none)" : "***")}, {nameof(UseTls)}={UseTls}, " +
        $"{nameof(KeyPrefix)}={KeyPrefix ?? "(default)"}, {nameof(ConnectTimeout)}={ConnectTimeout}, {nameof(OperationTimeout)}={OperationTimeout}, " +
        $"{nameof(ReconnectDelayLimit)}={ReconnectDelayLimit}, " +
        $"{nameof(FenceRetention)}={FenceRetention}";
}
