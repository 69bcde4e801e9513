using System.Globalization;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>Keys whose cache-entry grain a given silo hosts, by the cache's own placement over the active silos.</summary>
internal sealed class KeyOwnership(SiloAddress[] silos)
{
    public static async Task<KeyOwnership> ReadAsync(IClusterClient client)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return new KeyOwnership([.. hosts.Keys]);
    }

    public bool Owns(BenchSilo silo, string key) => CachePartitionPlacementDirector.SiloFor(CachePartitions.Of(key), silos).Endpoint.Port == silo.SiloPort;

    /// <summary><paramref name="count"/> keys <c>{prefix}{n}</c> that <paramref name="silo"/> owns.</summary>
    public string[] KeysOwnedBy(BenchSilo silo, string prefix, int count)
    {
        var keys = new List<string>(count);
        for (var n = 0; keys.Count < count; n++)
        {
            var key = prefix + n.ToString(CultureInfo.InvariantCulture);
            if (Owns(silo, key))
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }
}
