using OrleansCache.FaultInjection.Network;

namespace OrleansCache.FaultInjection;

/// <summary>How long and how hard a fault-injection run is.</summary>
public sealed class FaultRunOptions
{
    /// <summary>The least time the workload runs; the run also lasts until every fault was injected <see cref="FaultRounds"/> times.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times each fault kind is injected (at least).</summary>
    public int FaultRounds { get; set; } = 2;

    /// <summary>
    /// Soak mode: run this long, injecting faults in rounds, while sampling silo memory, handles and threads; fails on
    /// growth beyond the bound after warm-up. Null: off.
    /// </summary>
    public TimeSpan? Soak { get; set; }

    /// <summary>Only these fault kinds (names of the FaultKind values, e.g. <c>SiloKill</c>); empty: all.</summary>
    public IList<string> OnlyFaults { get; } = [];

    /// <summary>Seeds the workload's and the schedule's random choices.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Cache clients in this process (each behind the runner's proxies).</summary>
    public int Clients { get; set; } = 4;

    /// <summary>Silo processes.</summary>
    public int Silos { get; set; } = 3;

    /// <summary>The silos' membership death timeout.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The silos' membership probe interval.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How network faults are made: namespaces (the default; the run falls back to proxies where they cannot be made,
    /// and says so) or proxies only.
    /// </summary>
    public NetworkMode Network { get; set; } = NetworkMode.Namespaces;

    /// <summary>Progress lines (to the console, or a test's output).</summary>
    public Action<string> Log { get; set; } = _ => { };
}
