using System.Globalization;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// Three silo processes on a redis-server of their own, each started with the README's bridge flags (its canonical
/// channel, typed channel, keyspace prefix, stream and outbound channel, as the README's Redis ACL user), Redis
/// publishing keyspace notifications as the README says, and three cache clients holding keys. Shared by the tests of
/// a class that leave the silos alone.
/// </summary>
public sealed class ReadmeBridgeCluster : IAsyncLifetime
{
    private const int Silos = 3;

    private ConnectionMultiplexer? _connection;
    private SiloProcessCluster? _cluster;
    private readonly List<CacheClientHost> _clients = [];

    public static string CanonicalChannel => ReadmeBridgeFlags.Value("RedisBridge:Channels:0");

    public static string TypedChannel => ReadmeBridgeFlags.Value("RedisBridge:TypedChannels:0:Channel");

    public static string TypedPrefix => ReadmeBridgeFlags.Value("RedisBridge:TypedChannels:0:Prefix");

    public static string KeyspacePrefix => ReadmeBridgeFlags.Value("RedisBridge:KeyspacePrefixes:0");

    public static string StreamKey => ReadmeBridgeFlags.Value("RedisBridge:StreamKey");

    public static string OutboundChannel => ReadmeBridgeFlags.Value("RedisBridge:OutboundChannel");

    /// <summary>The consumer group the silos share: <c>orleanscache:{ServiceId}</c>, the silo executable's service id being <c>orleans-cache</c>.</summary>
    public static string ConsumerGroup => "orleanscache:orleans-cache";

    public RedisServerProcess Redis { get; private set; } = null!;

    internal SiloProcessCluster Cluster => _cluster!;

    /// <summary>The test's own connection to Redis (the default user), to look at streams and subscriptions.</summary>
    public IDatabase Database => _connection!.GetDatabase();

    internal IReadOnlyList<CacheClientHost> Clients => _clients;

    public string Port => Redis.Port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServerProcess.StartAsync();
        _cluster = await StartReadmeClusterAsync(Redis, Silos);
        _connection = await ConnectionMultiplexer.ConnectAsync($"{Redis.ConnectionString},allowAdmin=true");
        for (var i = 0; i < Silos; i++)
        {
            _clients.Add(await Cluster.ConnectClientAsync(TestContext.Current.CancellationToken));
        }

        await Cluster.WaitForActiveAsync(_clients[0], Cluster.Silos, TestContext.Current.CancellationToken);
        await WaitForBridgeAsync(_connection, Silos, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Prepares <paramref name="redis"/> as the README says (keyspace notifications, the README's ACL user) and starts
    /// <paramref name="silos"/> silo processes with the README's bridge flags and <paramref name="overrides"/>.
    /// </summary>
    internal static async Task<SiloProcessCluster> StartReadmeClusterAsync(RedisServerProcess redis, int silos, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var port = redis.Port.ToString(CultureInfo.InvariantCulture);
        await Interop.RunAsync("redis-cli", "-p", port, "CONFIG", "SET", "notify-keyspace-events", "Kg$x");
        if (ReadmeBridgeFlags.ValueOrNull("Redis:User") is { } user)
        {
            // The README's flags connect as an ACL user: make it, with what the bridge needs (keys, channels, commands).
            await Interop.RunAsync("redis-cli", "-p", port, "ACL", "SETUSER", user, "on", ReadmeBridgeFlags.ValueOrNull("Redis:Password") is { } password ? $">{password}" : "nopass", "~*", "&*", "+@all");
        }
        return await SiloProcessCluster.StartAsync(redis, silos, ReadmeBridgeFlags.For(redis.ConnectionString, overrides));
    }

    /// <summary>
    /// Waits until every silo's bridge listens: each is subscribed to the canonical and typed channels and the
    /// keyspace pattern (pub/sub drops what nobody hears), and is a consumer of the stream's group.
    /// </summary>
    internal static async Task WaitForBridgeAsync(ConnectionMultiplexer redis, int silos, CancellationToken cancellationToken)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var seen = "nothing yet";
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    var channels = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "NUMSUB", CanonicalChannel, TypedChannel))!;
                    // PUBSUB NUMPAT counts distinct patterns: count the connections subscribed to one instead.
                    var patterns = (await server.ClientListAsync()).Count(c => c.PatternSubscriptionCount > 0);
                    var consumers = await ConsumersAsync(redis.GetDatabase());
                    seen = $"{(long)channels[1]} and {(long)channels[3]} subscribers of the channels, {patterns} connections with a pattern subscription, {consumers} consumers";
                    return (long)channels[1] >= silos && (long)channels[3] >= silos && patterns >= silos && consumers >= silos;
                },
                "every silo's bridge to subscribe and join the stream's consumer group",
                SiloProcessCluster.Timeout,
                cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last seen: {seen}.", ex);
        }
    }

    private static async Task<int> ConsumersAsync(IDatabase database)
    {
        try
        {
            return (await database.StreamConsumerInfoAsync(StreamKey, ConsumerGroup)).Length;
        }
        catch (RedisServerException)
        {
            return 0; // no group yet
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
