namespace OrleansCache.Client.Feeds;

/// <summary>The ids of the last few thousand broad invalidations applied, so each is applied once though every partition's feed brings it.</summary>
internal sealed class RecentOperations(int capacity)
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _seen = [];
    private readonly Queue<long> _order = new();

    /// <summary>True the first time <paramref name="operation"/> is seen (and always for 0: an operation without an id).</summary>
    public bool Add(long operation)
    {
        if (operation == 0)
        {
            return true;
        }

        lock (_lock)
        {
            if (!_seen.Add(operation))
            {
                return false;
            }

            _order.Enqueue(operation);
            if (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
