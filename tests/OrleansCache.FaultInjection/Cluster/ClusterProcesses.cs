using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OrleansCache.FaultInjection.Network;
using OrleansCache.TestSupport.Redis;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// What a run starts and owns: one redis-server (append-only file, synced on every write, so a restart keeps every
/// acknowledged write), a silo per slot, all on Redis membership, Redis storage and the Redis bridge (canonical
/// channel, a typed channel, keyspace notifications and the ingest stream), and the silos' network namespaces when
/// the machine allows them.
/// </summary>
internal sealed partial class ClusterProcesses : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly List<string> _siloArgs;

    private readonly NamespaceNetwork? _network;

    private ClusterProcesses(string runId, string dataDirectory, RedisServerProcess redis, NamespaceNetwork? network, string networkDetail, FaultRunOptions options)
    {
        RunId = runId;
        _dataDirectory = dataDirectory;
        Redis = redis;
        _network = network;
        NetworkDetail = networkDetail;
        StreamKey = $"fi:{runId}:ingest";
        TypedChannel = $"fi-{runId}-typed";
        _siloArgs =
        [
            "--cluster-id", $"fi-{runId}",
            "--redis-prefix", $"fi:{runId}:",
            "--death-timeout", options.DeathTimeout.ToString("c", CultureInfo.InvariantCulture),
            $"--Membership:ProbeInterval={options.ProbeInterval.ToString("c", CultureInfo.InvariantCulture)}",
            "--redis-bridge", "true",
            $"--RedisBridge:StreamKey={StreamKey}",
            "--RedisBridge:StreamClaimAfter=00:00:05",
            "--RedisBridge:StreamPollInterval=00:00:00.100",
            // A channel name with ':' cannot be a configuration key, so the typed channel has none.
            $"--RedisBridge:TypedChannels:{TypedChannel}={TypedPrefix}",
            $"--RedisBridge:KeyspacePrefixes:0={KeyspacePrefix}",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        ];
    }

    /// <summary>The cache keys typed events name: <c>{"type":"item","itemId":"N"}</c> on <see cref="TypedChannel"/> invalidates <c>bridge:typed:N</c>.</summary>
    public const string TypedPrefix = "bridge:typed:";

    /// <summary>Redis keys under this prefix, changed by a foreign client, invalidate the cache key of the same name.</summary>
    public const string KeyspacePrefix = "bridge:ks:";

    public string RunId { get; }

    /// <summary>The channel of typed events (mapped to <see cref="TypedPrefix"/>).</summary>
    public string TypedChannel { get; }

    /// <summary>Namespaces, or loopback and proxies only.</summary>
    public NetworkMode Network => _network is null ? NetworkMode.Proxies : NetworkMode.Namespaces;

    /// <summary>Which block and namespaces, or why there are none.</summary>
    public string NetworkDetail { get; }

    public string ClusterId => $"fi-{RunId}";

    public RedisServerProcess Redis { get; }

    public IReadOnlyList<SiloSlot> Slots { get; private set; } = [];

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

    /// <summary>
    /// Makes the silos' namespaces (or says why not, when <see cref="FaultRunOptions.Network"/> asks for them), starts
    /// Redis and a silo in every slot, and checks every silo listens on every bridge path.
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="loopbackAddress">Slot i's proxy address without namespaces.</param>
    public static async Task<ClusterProcesses> StartAsync(FaultRunOptions options, Func<int, IPAddress> loopbackAddress)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var (network, networkDetail) = options.Network == NetworkMode.Namespaces
            ? await NamespaceNetwork.TryCreateAsync(options.Silos).ConfigureAwait(false)
            : (null, "namespaces not asked for (--network proxies)");
        var dataDirectory = Directory.CreateTempSubdirectory($"orleanscache-faults-{runId}-").FullName;
        RedisServerProcess redis;
        try
        {
            redis = await RedisServerProcess.StartAsync(dataDirectory).ConfigureAwait(false);
        }
        catch
        {
            if (network is not null)
            {
                await network.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var cluster = new ClusterProcesses(runId, dataDirectory, redis, network, networkDetail, options);
        try
        {
            var redisEndPoint = new IPEndPoint(IPAddress.Loopback, redis.Port);
            var slots = new List<SiloSlot>();
            cluster.Slots = slots;
            for (var i = 0; i < options.Silos; i++)
            {
                // One at a time into the list dispose walks: a slot already holds its Redis proxy.
                slots.Add(new SiloSlot(i, loopbackAddress(i), redisEndPoint, network));
            }

            await Task.WhenAll(cluster.Slots.Select(s => s.StartAsync(cluster.SiloArgs))).ConfigureAwait(false);
            foreach (var slot in cluster.Slots)
            {
                // The typed channel and keyspace prefix come from the command line: a silo that did not take them
                // would make every typed and keyspace message look lost.
                await slot.Silo!.WaitForOutputAsync(BridgeListening()).ConfigureAwait(false);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    [GeneratedRegex(@"Redis bridge listening: 1 canonical channels, 1 typed channels, 1 keyspace prefixes", RegexOptions.None, 1000)]
    private static partial Regex BridgeListening();

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in Slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }

        await Redis.DisposeAsync().ConfigureAwait(false);
        if (_network is not null)
        {
            await _network.DisposeAsync().ConfigureAwait(false);
        }

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
