using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Grains;
using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Redis.Bridge;

/// <summary>The bridge's options with every default resolved, read once by its parts.</summary>
internal sealed class BridgeSettings
{
    public BridgeSettings(IOptions<RedisBridgeOptions> options, IOptions<ClusterOptions> cluster, IOptions<CacheSiloOptions> cache)
    {
        Options = options.Value;
        var serviceId = cluster.Value.ServiceId;
        CanonicalChannels = Options.Channels.Count > 0 ? [.. Options.Channels]
            : Options.UseDefaultChannel ? [RedisBridgeOptions.DefaultChannel] : [];
        TypedChannels = [.. Options.TypedChannels];
        KeyspacePrefixes = [.. Options.KeyspacePrefixes];
        Source = Options.Source ?? $"orleanscache:{serviceId}";
        ConsumerGroup = Options.ConsumerGroup ?? $"orleanscache:{serviceId}";
        Limits = new BridgeLimits
        {
            MaxMessageBytes = Options.MaxMessageBytes,
            MaxKeyLength = cache.Value.MaxKeyLength,
            MaxBatchSize = Options.MaxBatchSize,
        };
    }

    public RedisBridgeOptions Options { get; }

    public string[] CanonicalChannels { get; }

    public RedisTypedChannel[] TypedChannels { get; }

    public string[] KeyspacePrefixes { get; }

    /// <summary>The <c>source</c> of this cluster's own messages.</summary>
    public string Source { get; }

    public string ConsumerGroup { get; }

    public BridgeLimits Limits { get; }

    /// <summary>Whether any pub/sub path is configured.</summary>
    public bool ListensOnPubSub => CanonicalChannels.Length > 0 || TypedChannels.Length > 0 || KeyspacePrefixes.Length > 0;
}
