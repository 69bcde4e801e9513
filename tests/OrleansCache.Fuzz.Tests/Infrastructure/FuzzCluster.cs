using Microsoft.Extensions.Logging;
using OrleansCache.Redis;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Logging;
using OrleansCache.TestSupport.Redis;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Infrastructure;

/// <summary>
/// The in-process cluster the cluster-backed fuzz tests share (one start instead of one per test keeps the suite
/// short): a silo with the cache and the Redis bridge on every path, against a redis-server of its own, with a short
/// connection-preamble timeout, and every log line captured. Tests make their own clients and look only at what
/// happened since they began (<see cref="CapturedLogs"/> entries past a mark, metric totals they create).
/// </summary>
public sealed class FuzzCluster : IAsyncLifetime
{
    /// <summary>The silo's <c>Cache:ConnectionPreambleTimeout</c>.</summary>
    public static readonly TimeSpan PreambleTimeout = TimeSpan.FromSeconds(1);

    private RedisServerProcess? _redis;
    private OrleansCacheTestCluster? _cluster;

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    public string Channel => $"cache:invalidate:{Id}";

    public string TypedChannel => $"cache:typed:{Id}";

    public string TypedPrefix => $"typed{Id}:";

    public string KeyspacePrefix => $"l2{Id}:";

    public string StreamKey => $"cache:stream:{Id}";

    public RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public OrleansCacheTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public CapturedLogs Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _cluster = await OrleansCacheTestCluster.StartAsync(silos: 1, o =>
        {
            o.ConfigureLogging = logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Information);
            o.ConfigureCache = cache => cache
                .ConfigureOptions(c => c.ConnectionPreambleTimeout = PreambleTimeout)
                .ConfigureRedis(r => r.ConnectionString = _redis.ConnectionString)
                .AddRedisInvalidationBridge(b =>
                {
                    b.Channels.Add(Channel);
                    b.TypedChannels.Add(new RedisTypedChannel { Channel = TypedChannel, Prefix = TypedPrefix });
                    b.KeyspacePrefixes.Add(KeyspacePrefix);
                    b.StreamKey = StreamKey;
                    b.StreamPollInterval = TimeSpan.FromMilliseconds(20);

                    // Every rejection logged, so that every one is checked for its length.
                    b.RejectionLogInterval = TimeSpan.Zero;
                });
        }, TestContext.Current.CancellationToken);
    }

    /// <summary>Log entries at Error or Critical among those after <paramref name="mark"/> (a count of entries).</summary>
    public IEnumerable<string> ErrorsSince(int mark) =>
        Logs.Entries.Skip(mark).Where(e => e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        Logs.Dispose();
    }
}
