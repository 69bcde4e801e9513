using System.Globalization;
using OrleansCache.TestingHost;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>Silos in this process (OrleansCacheTestCluster): clients and silos share the process and its 2 cores' budget.</summary>
internal sealed class InProcessCluster(OrleansCacheTestCluster cluster) : IBenchCluster
{
    public string ClusterId => cluster.ClusterId;

    public string ServiceId => cluster.ServiceId;

    public IReadOnlyList<BenchSilo> Silos { get; } =
        [.. cluster.Silos.Select(s => new BenchSilo(s.SiloAddress.Endpoint.Port, "127.0.0.1:" + s.GatewayAddress.Endpoint.Port.ToString(CultureInfo.InvariantCulture)))];

    public IReadOnlyList<int> ProcessIds => [];

    public static async Task<InProcessCluster> StartAsync(int silos, CancellationToken cancellationToken) =>
        new(await OrleansCacheTestCluster.StartAsync(
            silos,
            // P11's reader holds up to 1M entries and the miss keys of every size (about 1.2M in the full run): past the
            // default 1M keys tracked per client its fullest partitions would start over again and again.
            o => o.ConfigureCache = c => c.ConfigureOptions(cache => cache.MaxTrackedKeysPerClient = 4_000_000),
            cancellationToken));

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}
