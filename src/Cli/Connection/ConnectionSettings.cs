namespace OrleansCache.Cli.Connection;

/// <summary>What the global options say about reaching the cluster, securing the connection, and printing.</summary>
internal sealed record ConnectionSettings(
    IReadOnlyList<string> Gateways,
    RedisSettings? Redis,
    string ClusterId,
    string ServiceId,
    TimeSpan Timeout,
    bool Json,
    bool Progress,
    TlsSettings Tls)
{
    /// <summary>Where <c>dotnet run --project src/Silo</c> listens for clients.</summary>
    public const string DefaultGateway = "localhost:30000";

    /// <summary>The silo host's cluster id, and the client library's default.</summary>
    public const string DefaultClusterId = "dev";

    /// <summary>The silo host's service id, and the client library's default.</summary>
    public const string DefaultServiceId = "orleans-cache";

    /// <summary>The gateways to try: those given, or the default when neither gateways nor Redis were given.</summary>
    public IReadOnlyList<string> EffectiveGateways => Gateways.Count > 0 || Redis is not null ? Gateways : [DefaultGateway];

    /// <summary>Where the tool looked for the cluster, for messages (never the Redis connection string: it may hold a password).</summary>
    public string Describe()
    {
        var where = Redis is not null ? "the Redis membership table" : string.Join(", ", EffectiveGateways);
        return $"cluster '{ClusterId}' via {where}";
    }
}
