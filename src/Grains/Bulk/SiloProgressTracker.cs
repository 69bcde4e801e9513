using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Placement;

namespace OrleansCache.Grains.Bulk;

/// <summary>
/// Counts a bulk invalidation's keys per silo: the silo that partition placement gives each key's partition among the
/// active silos, which is where its grain is (or will be) hosted. Keys are counted as they are invalidated.
/// </summary>
internal sealed class SiloProgressTracker
{
    private readonly ClusterMember[] _silos;
    private readonly int[] _siloOfPartition = new int[CachePartitions.Count];
    private long[] _done = [];
    private long[] _total = [];

    /// <param name="activeSilos">The active silos, in the order reports list them.</param>
    public SiloProgressTracker(IReadOnlyList<ClusterMember> activeSilos)
    {
        _silos = [.. activeSilos];
        var addresses = _silos.Select(s => s.SiloAddress).ToArray();
        for (var partition = 0; partition < CachePartitions.Count; partition++)
        {
            _siloOfPartition[partition] = Array.IndexOf(addresses, CachePartitionPlacementDirector.SiloFor(partition, addresses));
        }
    }

    /// <summary>Counts the keys to invalidate, per silo; until then reports list no silos (the keys are being collected).</summary>
    public void Plan(IEnumerable<string> keys)
    {
        var total = new long[_silos.Length];
        foreach (var key in keys)
        {
            total[SiloOf(key)]++;
        }

        _done = new long[_silos.Length];
        Volatile.Write(ref _total, total);
    }

    /// <summary>Counts one key as invalidated.</summary>
    public void Invalidated(string key) => Interlocked.Increment(ref _done[SiloOf(key)]);

    /// <summary>Progress so far: silos that have keys to invalidate, by address; <paramref name="count"/> set at the end.</summary>
    public BulkInvalidationProgress Report(long? count = null)
    {
        var total = Volatile.Read(ref _total);
        var silos = new List<SiloInvalidationProgress>(total.Length);
        for (var i = 0; i < total.Length; i++)
        {
            if (total[i] > 0)
            {
                silos.Add(new SiloInvalidationProgress(_silos[i].SiloAddress.ToParsableString(), _silos[i].Name, Interlocked.Read(ref _done[i]), total[i]));
            }
        }

        return new BulkInvalidationProgress(silos, count);
    }

    private int SiloOf(string key) => _siloOfPartition[CachePartitions.Of(key)];
}
