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
        new(await OrleansCacheTestCluster.StartAsync(silos, cancellationToken: cancellationToken));

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}
