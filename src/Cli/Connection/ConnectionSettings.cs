namespace OrleansCache.Cli.Connection;

/// <summary>What the global options say about reaching the cluster, proving the tool may use it, and printing.</summary>
internal sealed record ConnectionSettings(
    IReadOnlyList<string> Gateways,
    string? Redis,
    string? RedisPrefix,
    string ClusterId,
    TimeSpan Timeout,
    bool Json,
    bool Progress,
    SecuritySettings Security)
{
    /// <summary>Where <c>dotnet run --project src/Silo</c> listens for clients.</summary>
    public const string DefaultGateway = "localhost:30000";

    /// <summary>The gateways to try: those given, or the default when neither gateways nor Redis were given.</summary>
    public IReadOnlyList<string> EffectiveGateways => Gateways.Count > 0 || Redis is not null ? Gateways : [DefaultGateway];

    /// <summary>Where the tool looked for the cluster, for error messages (never the Redis connection string: it may hold a password).</summary>
    public string Describe()
    {
        var places = new List<string>();
        if (EffectiveGateways.Count > 0)
        {
            places.Add(string.Join(", ", EffectiveGateways));
        }

        if (Redis is not null)
        {
            places.Add("the Redis membership table");
        }

        return $"cluster '{ClusterId}' via {string.Join(" and ", places)}";
    }
}
