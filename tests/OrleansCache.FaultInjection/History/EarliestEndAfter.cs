namespace OrleansCache.FaultInjection.History;

/// <summary>
/// Of a key's acknowledged pattern invalidations: the earliest end of one that began after a given moment. Sorted once
/// by start, with the minimum of their ends from each one on; each question is a binary search.
/// </summary>
internal sealed class EarliestEndAfter
{
    private readonly TimeSpan[] _starts;
    private readonly TimeSpan[] _earliestEndFrom;

    public EarliestEndAfter(List<OperationRecord> patterns)
    {
        patterns.Sort((a, b) => a.Start.CompareTo(b.Start));
        _starts = [.. patterns.Select(p => p.Start)];
        _earliestEndFrom = new TimeSpan[patterns.Count];
        for (var i = patterns.Count - 1; i >= 0; i--)
        {
            _earliestEndFrom[i] = i == patterns.Count - 1 ? patterns[i].End : TimeSpan.FromTicks(Math.Min(_earliestEndFrom[i + 1].Ticks, patterns[i].End.Ticks));
        }
    }

    /// <summary>The earliest end of a pattern invalidation that began after <paramref name="moment"/>, or null.</summary>
    public TimeSpan? Of(TimeSpan moment)
    {
        // The first pattern that began after the moment.
        int low = 0, high = _starts.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_starts[middle] > moment)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low == _starts.Length ? null : _earliestEndFrom[low];
    }
}
