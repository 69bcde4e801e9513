namespace OrleansCache.TestSupport.History;

/// <summary>
/// Of a key's acknowledged changes: the earliest time one newer than a given version ended (when a reader holding that
/// version began to be stale). Sorted once by version, newest first, with the running minimum of their ends; each
/// question is a binary search. Used by the fault runner's checker and by P9's staleness checker.
/// </summary>
public sealed class EarliestEndAbove<TVersion>
    where TVersion : IComparable<TVersion>
{
    private readonly TVersion[] _versions;
    private readonly TimeSpan[] _earliestEnd;

    public EarliestEndAbove(IEnumerable<(TVersion Version, TimeSpan End)> changes)
    {
        // Newest first: _earliestEnd[i] is the earliest end among the i + 1 newest changes.
        var sorted = changes.ToList();
        sorted.Sort((a, b) => b.Version.CompareTo(a.Version));
        _versions = [.. sorted.Select(c => c.Version)];
        _earliestEnd = new TimeSpan[sorted.Count];
        for (var i = 0; i < sorted.Count; i++)
        {
            _earliestEnd[i] = i == 0 || sorted[i].End < _earliestEnd[i - 1] ? sorted[i].End : _earliestEnd[i - 1];
        }
    }

    /// <summary>The earliest end of a change newer than <paramref name="version"/>, or null if there is none.</summary>
    public TimeSpan? Of(TVersion version)
    {
        // How many changes are newer than the version: the first index whose version is not newer.
        int low = 0, high = _versions.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_versions[middle].CompareTo(version) > 0)
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
