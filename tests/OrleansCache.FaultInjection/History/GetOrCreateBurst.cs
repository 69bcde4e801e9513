namespace OrleansCache.FaultInjection.History;

/// <summary>
/// Many concurrent get-or-create calls on one fresh key from several clients (G6): when the first began and the last
/// returned or threw, how many there were, and the values the ones that returned got.
/// </summary>
/// <param name="Key">A key nobody wrote before the burst and nobody changes during it.</param>
/// <param name="Start">When the first call began.</param>
/// <param name="End">When the last call returned or threw.</param>
/// <param name="Calls">Calls made.</param>
/// <param name="Results">The values of the calls that returned (the rest threw or timed out).</param>
internal sealed record GetOrCreateBurst(string Key, TimeSpan Start, TimeSpan End, int Calls, IReadOnlyList<string> Results);
