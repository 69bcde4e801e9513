namespace OrleansCache.FaultInjection.Faults;

/// <summary>
/// The order of faults: rounds of the kinds, each round shuffled by the seed. Lanes may share one (the two silos' lanes
/// do, ADR 0092): each takes the next kind when it is free, so neither idles while the other still has a round's work.
/// </summary>
internal sealed class FaultSchedule(Random random, IReadOnlyList<FaultKind> kinds)
{
    private readonly Lock _lock = new();
    private readonly Queue<FaultKind> _round = new();
    private int _roundsStarted;

    /// <summary>
    /// A round, short and long runs alike: every kind (issue 14 asks a short run for every kind at least twice).
    /// <see cref="FaultKind.DoubleKill"/> needs a fourth silo (<c>--silos 4</c>; with fewer it is skipped, with that
    /// reason); with four, <c>--silo-lanes 2</c> runs the silos' faults in two lanes, which brings two rounds under three
    /// minutes on two cores (docs/reliability.md).
    /// </summary>
    public static IReadOnlyList<FaultKind> FullRound { get; } = OrleansCacheKinds;

    /// <summary>
    /// The round against FusionCache (short and long runs alike): the faults that apply to application instances on
    /// one Redis, each once.
    /// </summary>
    public static IReadOnlyList<FaultKind> FusionCacheRound { get; } = [FaultKind.RedisRestart, FaultKind.RedisPause, FaultKind.ClientCut, FaultKind.InstanceKill];

    /// <summary>
    /// True for a fault of one client's own connections. Those run in a lane of their own beside the cluster's faults
    /// (ADR 0090): they need no silo replaced, and a client's fault in the middle of a silo's is a case worth having.
    /// </summary>
    public static bool IsClientFault(FaultKind kind) => kind is FaultKind.ClientCut or FaultKind.ClientStall or FaultKind.ClientDelay;

    /// <summary>
    /// True for a fault of redis-server itself. Those run in a lane of their own beside the silos' (ADR 0091); the one
    /// that loses Redis's data (<see cref="FaultKind.RedisRestartEmpty"/>) replaces every silo, so it takes the gate
    /// the silos' lane holds for each of its faults.
    /// </summary>
    public static bool IsRedisFault(FaultKind kind) => kind is FaultKind.RedisRestart or FaultKind.RedisPause or FaultKind.RedisRestartEmpty;

    /// <summary>
    /// How a kind enters the run's <see cref="FaultGate"/>: faults on more than one silo, or on a silo another lane may be
    /// faulting (the hot keys' owner), exclusively; the other silo faults shared (each lane on silos of its own); a
    /// client's connection and Redis's restart and pause not at all.
    /// </summary>
    public static FaultGateUse GateUse(FaultKind kind) => kind switch
    {
        FaultKind.DoubleKill or FaultKind.OwnerKill or FaultKind.RedisRestartEmpty => FaultGateUse.Exclusive,
        _ when IsClientFault(kind) || IsRedisFault(kind) => FaultGateUse.None,
        _ => FaultGateUse.Shared,
    };

    /// <summary>Every kind against OrleansCache's silos and clients (not the FusionCache-only ones).</summary>
    private static FaultKind[] OrleansCacheKinds => [.. Enum.GetValues<FaultKind>().Where(k => k is not FaultKind.InstanceKill)];

    /// <summary>
    /// The next kind; false once <paramref name="rounds"/> rounds have been handed out (never, when null). Shared by lanes
    /// running side by side, so it takes a lock.
    /// </summary>
    public bool TryNext(int? rounds, out FaultKind kind)
    {
        lock (_lock)
        {
            if (_round.Count == 0)
            {
                if (_roundsStarted >= rounds)
                {
                    kind = default;
                    return false;
                }

                var round = kinds.ToArray();
                random.Shuffle(round);
                foreach (var each in round)
                {
                    _round.Enqueue(each);
                }

                _roundsStarted++;
            }

            kind = _round.Dequeue();
            return true;
        }
    }
}
