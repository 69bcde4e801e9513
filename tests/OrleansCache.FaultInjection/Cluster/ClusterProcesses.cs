using System.Globalization;
using System.Net;
using OrleansCache.TestSupport.Redis;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// What a run starts and owns: one redis-server (append-only file, synced on every write, so a restart keeps every
/// acknowledged write) and a silo per slot, all on Redis membership, Redis storage and the Redis bridge.
/// </summary>
internal sealed class ClusterProcesses : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly List<string> _siloArgs;

    private ClusterProcesses(string runId, string dataDirectory, RedisServerProcess redis, IReadOnlyList<SiloSlot> slots, FaultRunOptions options)
    {
        RunId = runId;
        _dataDirectory = dataDirectory;
        Redis = redis;
        Slots = slots;
        StreamKey = $"fi:{runId}:ingest";
        _siloArgs =
        [
            "--cluster-id", $"fi-{runId}",
            "--redis", redis.ConnectionString,
            "--redis-prefix", $"fi:{runId}:",
            "--death-timeout", options.DeathTimeout.ToString("c", CultureInfo.InvariantCulture),
            $"--Membership:ProbeInterval={options.ProbeInterval.ToString("c", CultureInfo.InvariantCulture)}",
            "--redis-bridge", "true",
            $"--RedisBridge:StreamKey={StreamKey}",
            "--RedisBridge:StreamClaimAfter=00:00:05",
            "--RedisBridge:StreamPollInterval=00:00:00.100",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        ];
    }

    public string RunId { get; }

    public string ClusterId => $"fi-{RunId}";

    public RedisServerProcess Redis { get; }

    public IReadOnlyList<SiloSlot> Slots { get; }

    /// <summary>The Redis Stream the bridge ingests from.</summary>
    public string StreamKey { get; }

    public IReadOnlyList<string> SiloArgs => _siloArgs;

    /// <summary>Writes every silo's log (each slot, each generation) to files under <paramref name="directory"/>.</summary>
    public async Task WriteLogsAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var slot in Slots)
        {
            foreach (var (generation, lines) in slot.Logs())
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"slot{slot.Index}-gen{generation}.log");
                await File.WriteAllLinesAsync(Path.Combine(directory, name), lines).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts Redis and a silo in every slot.</summary>
    public static async Task<ClusterProcesses> StartAsync(FaultRunOptions options, Func<int, IPAddress> slotAddress)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var dataDirectory = Directory.CreateTempSubdirectory($"orleanscache-faults-{runId}-").FullName;
        var redis = await RedisServerProcess.StartAsync(dataDirectory).ConfigureAwait(false);
        var slots = Enumerable.Range(0, options.Silos).Select(i => new SiloSlot(i, slotAddress(i))).ToList();
        var cluster = new ClusterProcesses(runId, dataDirectory, redis, slots, options);
        try
        {
            await Task.WhenAll(slots.Select(s => s.StartAsync(cluster.SiloArgs))).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

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
            // Left in the temp directory; harmless.
        }
    }
}
