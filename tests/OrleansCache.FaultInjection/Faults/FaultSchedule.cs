namespace OrleansCache.FaultInjection.Faults;

/// <summary>The order of faults: rounds of every kind, each round shuffled by the seed.</summary>
internal sealed class FaultSchedule(Random random)
{
    private readonly Queue<FaultKind> _round = new();

    public FaultKind Next()
    {
        if (_round.Count == 0)
        {
            var kinds = Enum.GetValues<FaultKind>();
            random.Shuffle(kinds);
            foreach (var kind in kinds)
            {
                _round.Enqueue(kind);
            }
        }

        return _round.Dequeue();
    }

    /// <summary>Kinds left in the current round (0 when a round has just been completed).</summary>
    public int LeftInRound => _round.Count;
}
