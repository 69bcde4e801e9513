using OrleansCache.FaultInjection.Faults;

namespace OrleansCache.FaultInjection.History;

/// <summary>One injected fault: from injection until it was healed plus its bound, when its effects must be over.</summary>
/// <param name="Kind">The fault.</param>
/// <param name="Detail">Which silo or client, and for how long.</param>
/// <param name="Start">When it was injected.</param>
/// <param name="Healed">When it was undone (a replacement silo active, the connection restored, Redis answering).</param>
/// <param name="Bound">How stale a read may be because of it (<see cref="FaultBounds"/>).</param>
internal sealed record FaultWindow(FaultKind Kind, string Detail, TimeSpan Start, TimeSpan Healed, TimeSpan Bound)
{
    /// <summary>
    /// For a fault that loses stored data (Redis back empty): changes begun before this moment may be lost; none begun
    /// after it may be. Null for every other fault.
    /// </summary>
    public TimeSpan? DataLostUntil { get; init; }

    /// <summary>For a fault of one client's connections, that client's number; null for every other fault.</summary>
    public int? Client { get; init; }

    /// <summary>
    /// When every client the fault touched was served again after it was healed (the run's recovery check, set by its
    /// lane); null until then, and for good if it never was (an incident).
    /// </summary>
    public TimeSpan? ServedAgain { get; set; }

    /// <summary>The end of its effects.</summary>
    public TimeSpan End => Healed + Bound;

    public bool Overlaps(TimeSpan from, TimeSpan to) => from <= End && to >= Start;
}
