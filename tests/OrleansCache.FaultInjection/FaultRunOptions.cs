namespace OrleansCache.FaultInjection;

/// <summary>What a run does (the command line's switches; docs/reliability.md).</summary>
internal sealed class FaultRunOptions
{
    /// <summary>The system under test. Default OrleansCache; FusionCache runs <see cref="Fusion.FusionCacheRun"/>.</summary>
    public RunTarget Target { get; set; } = RunTarget.OrleansCache;

    /// <summary>Seeds the fault order, the faulted silos and clients, and the workload. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// How long to keep injecting faults (rounds of every kind in a seeded order). Null (the short run): as many rounds
    /// as <see cref="Rounds"/>.
    /// </summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Without a <see cref="Duration"/>: how many rounds, each kind once per round. Default 1.</summary>
    public int Rounds { get; set; } = 1;

    /// <summary>The fault kinds of each round (null: the short run's round, or every kind in a long run).</summary>
    public IReadOnlyList<Faults.FaultKind>? Faults { get; set; }

    /// <summary>Silo processes. Default 3.</summary>
    public int Silos { get; set; } = 3;

    /// <summary>
    /// Lanes of silo faults side by side, each on its own half of the silos, sharing one schedule (ADR 0091, 0092): 1
    /// (default) or 2, which needs at least four silos (two down at once still leave two to vote) and is one lane
    /// otherwise.
    /// </summary>
    public int SiloLanes { get; set; } = 1;

    /// <summary>Cache clients (FusionCache: application instances) in the runner's process. Default 3.</summary>
    public int Clients { get; set; } = 3;

    /// <summary>Concurrent workers per client. Default 2.</summary>
    public int WorkersPerClient { get; set; } = 2;

    /// <summary>How often a get-or-create burst on a fresh key starts (G6). Default 1 s.</summary>
    public TimeSpan BurstInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Concurrent get-or-create calls per client in each burst. Default 4.</summary>
    public int BurstCallsPerClient { get; set; } = 4;

    /// <summary>Put each silo in a network namespace of its own where possible (else loopback, and no partitions). Default true.</summary>
    public bool UseNamespaces { get; set; } = true;

    /// <summary>The pause after each fault is healed and the cluster serves everyone again. Default 1.5 s.</summary>
    public TimeSpan QuietGap { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// A soak: sample every process's resources every <see cref="SoakSampleInterval"/>, write the samples (CSV), a
    /// summary and the curves (PNG) to this folder, and count growth beyond the bounds of <c>SoakAnalysis</c> as
    /// incidents. Null (default): no sampling.
    /// </summary>
    public string? SoakDirectory { get; set; }

    /// <summary>Where each silo's output is written when it ends (<c>silo-SLOT-GENERATION.log</c>). Null (default): nowhere.</summary>
    public string? SiloLogDirectory { get; set; }

    /// <summary>How often a soak samples. Default 10 s.</summary>
    public TimeSpan SoakSampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the cluster may take to serve every client again after a fault before the run stops. Default 90 s.</summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(90);
}
