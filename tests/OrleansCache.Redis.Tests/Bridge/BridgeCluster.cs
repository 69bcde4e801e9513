using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans.TestingHost;
using OrleansCache.Redis.Bridge;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests.Bridge;

/// <summary>
/// Two silos with the cache (in-memory storage) and the Redis bridge on every path, configured only through
/// configuration keys as an operator would, against the tests' redis-server. Names are unique to this fixture.
/// </summary>
public sealed class BridgeCluster(RedisServer redis) : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentDictionary<string, FakeLogCollector> _siloLogs = new(StringComparer.Ordinal);

    public string CanonicalChannel => $"canonical-{_id}:invalidate";

    public string TypedChannel => $"typed-{_id}:personality-invalidation";

    public string TypedPrefix => $"personality-{_id}:";

    public string KeyspacePrefix => $"ks-{_id}:";

    public string StreamKey => $"stream-{_id}";

    public string OutboundChannel => $"out-{_id}:invalidated";

    public string ConsumerGroup => $"orleanscache:{ServiceId}";

    public string ServiceId => Cluster.Options.ServiceId;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The name the silos' Redis connections give themselves, so tests can find (and drop) exactly theirs.</summary>
    public string ConnectionName => $"bridge-{_id}";

    /// <summary>Every silo's log records.</summary>
    public FakeLogCollector Logs { get; } = new();

    public BridgeCounters Counters { get; } = new();

    /// <summary>Every outbound message received so far.</summary>
    public List<string> Outbound { get; } = [];

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = $"{redis.ConnectionString},name={ConnectionName}",
            ["RedisBridge:Channels:0"] = CanonicalChannel,
            ["RedisBridge:TypedChannels:0:Channel"] = TypedChannel,
            ["RedisBridge:TypedChannels:0:Prefix"] = TypedPrefix,
            ["RedisBridge:KeyspacePrefixes:0"] = KeyspacePrefix,
            ["RedisBridge:StreamKey"] = StreamKey,
            ["RedisBridge:StreamClaimAfter"] = "00:00:00.500",
            ["RedisBridge:OutboundChannel"] = OutboundChannel,
            ["RedisBridge:DeleteL2Keys"] = "true",
            ["RedisBridge:RejectionLogInterval"] = "00:00:00",
            ["RedisBridge:ViewChangeGrace"] = "00:00:01",
            ["Cache:AllowMatchAllPattern"] = "false",
        };

        await redis.Subscriber.SubscribeAsync(RedisChannel.Literal(OutboundChannel), (_, message) =>
        {
            lock (Outbound)
            {
                Outbound.Add(message.ToString());
            }
        });

        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(settings));
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddOrleansCache(cache => cache.AddRedisInvalidationBridge());
            silo.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(Logs));
            silo.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(_siloLogs.GetOrAdd(options.SiloName, _ => new FakeLogCollector())));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Waits until no silo applies messages by its previous membership view any more (no duplicates).</summary>
    public Task WaitForSettledViewsAsync() => Eventually.TrueAsync(
        () => Cluster.GetActiveSilos().All(s => !Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<ApplyOnceRouter>().UsesPreviousView),
        "every silo to route by its current membership view only");

    /// <summary>How many log records with <paramref name="eventId"/> each silo has written so far, by silo name.</summary>
    public Dictionary<string, int> CountBySilo(int eventId) =>
        _siloLogs.ToDictionary(s => s.Key, s => s.Value.GetSnapshot().Count(r => r.Id.Id == eventId), StringComparer.Ordinal);

    /// <summary>
    /// Drops the silos' pub/sub connections, and no one else's: other test classes share the redis-server, and a
    /// <c>CLIENT KILL TYPE pubsub</c> would drop their subscriptions too. Returns how many were dropped.
    /// </summary>
    public async Task<int> DropSubscriptionConnectionsAsync()
    {
        var dropped = 0;
        foreach (var client in await redis.Server.ClientListAsync())
        {
            if (client.Name == ConnectionName && client.SubscriptionCount + client.PatternSubscriptionCount > 0)
            {
                dropped += (int)await redis.Server.ClientKillAsync(id: client.Id);
            }
        }

        return dropped;
    }

    public string[] OutboundSnapshot()
    {
        lock (Outbound)
        {
            return [.. Outbound];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await redis.Subscriber.UnsubscribeAsync(RedisChannel.Literal(OutboundChannel));
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Counters.Dispose();
    }
}
