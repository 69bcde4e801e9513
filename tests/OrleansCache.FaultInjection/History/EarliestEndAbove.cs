using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// Of a key's acknowledged changes: the earliest time one newer than a given version ended (when a reader holding that
/// version began to be stale). Sorted once by version, with the running minimum of their ends; each question is a
/// binary search.
/// </summary>
internal sealed class EarliestEndAbove
{
    private readonly CacheVersion[] _versions;
    private readonly TimeSpan[] _earliestEnd;

    public EarliestEndAbove(List<OperationRecord> changes)
    {
        // Newest first: _earliestEnd[i] is the earliest end among the i + 1 newest changes.
        changes.Sort((a, b) => b.Version!.Value.CompareTo(a.Version!.Value));
        _versions = [.. changes.Select(c => c.Version!.Value)];
        _earliestEnd = new TimeSpan[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            _earliestEnd[i] = i == 0 ? changes[i].End : TimeSpan.FromTicks(Math.Min(_earliestEnd[i - 1].Ticks, changes[i].End.Ticks));
        }
    }

    /// <summary>The earliest end of a change newer than <paramref name="version"/>, or null if there is none.</summary>
    public TimeSpan? Of(CacheVersion version)
    {
        // How many changes are newer than the version: the first index whose version is not newer.
        int low = 0, high = _versions.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_versions[middle] > version)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low == 0 ? null : _earliestEnd[low - 1];
    }
}
