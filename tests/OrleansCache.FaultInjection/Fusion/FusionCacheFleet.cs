using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Redis;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// What <c>--target fusioncache</c> runs against: a redis-server of its own (append-only file synced on every write, as
/// for the silos, so a restart is a fault, not a wipe) and FusionCache application instances in this process, each
/// reaching Redis through a proxy of its own.
/// </summary>
internal sealed class FusionCacheFleet : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private int _lastNumber;

    private FusionCacheFleet(RedisServerProcess redis, string dataDirectory, string cacheName)
    {
        Redis = redis;
        _dataDirectory = dataDirectory;
        CacheName = cacheName;
    }

    public RedisServerProcess Redis { get; }

    /// <summary>The FusionCache name every instance shares: its L2 key prefix and backplane channel.</summary>
    public string CacheName { get; }

    public FusionChangeOrder Order { get; } = new();

    public List<FusionInstanceSlot> Slots { get; } = [];

    /// <summary>Starts Redis and <paramref name="instances"/> instances (numbered from 0).</summary>
    public static async Task<FusionCacheFleet> StartAsync(int instances, string cacheName, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("ocfi-fusion-redis-").FullName;
        var redis = await RedisServerProcess.StartAsync(data).ConfigureAwait(false);
        var fleet = new FusionCacheFleet(redis, data, cacheName) { _lastNumber = -1 };
        try
        {
            for (var i = 0; i < instances; i++)
            {
                var slot = new FusionInstanceSlot(i, HoldingTcpProxy.Start(redis.Port), cacheName, fleet.Order);
                fleet.Slots.Add(slot);
                await slot.ReplaceAsync(fleet.NextNumber(), cancellationToken).ConfigureAwait(false);
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A client number never used in this run (a replacement instance is a new client to the checker).</summary>
    public int NextNumber() => Interlocked.Increment(ref _lastNumber);

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in Slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }

        await Redis.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }
}
