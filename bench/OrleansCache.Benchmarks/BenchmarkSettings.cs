namespace OrleansCache.Benchmarks;

/// <summary>How long each measurement runs: the full run, <c>--quick</c> (under 3 minutes), or <c>--tiny</c> (the CI smoke test).</summary>
internal sealed record BenchmarkSettings(string Name, int Warmup, int Samples, TimeSpan ThroughputDuration, int HitIterations, int[] KeyCounts, int BurstCalls)
{
    public static readonly BenchmarkSettings Full = new("full", 2_000, 20_000, TimeSpan.FromSeconds(5), 10_000_000, [1_000, 100_000], 1_000)
    {
        InvalidationDuration = TimeSpan.FromSeconds(5),
        ThroughputInvalidations = 100_000,
        MemoryEntries = 1_000_000,
    };

    public static readonly BenchmarkSettings Quick = new("quick", 500, 3_000, TimeSpan.FromSeconds(2), 2_000_000, [1_000, 100_000], 1_000);

    public static readonly BenchmarkSettings Tiny = new("tiny", 20, 50, TimeSpan.FromMilliseconds(200), 10_000, [100], 100)
    {
        InvalidationReceivers = [1, 2],
        InvalidationDuration = TimeSpan.FromMilliseconds(100),
        ThroughputInvalidations = 200,
        MemoryEntries = 1_000,
    };

    /// <summary>P4: how many clients receive each invalidation.</summary>
    public int[] InvalidationReceivers { get; init; } = [1, 10, 50];

    /// <summary>P4: the fixed write rate.</summary>
    public double InvalidationRate { get; init; } = 2_000;

    /// <summary>P4: how long writes go on at that rate, per receiver count.</summary>
    public TimeSpan InvalidationDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>P5: invalidations sent as fast as they go.</summary>
    public int ThroughputInvalidations { get; init; } = 20_000;

    /// <summary>P7: near-cache entries and grain activations measured (the figure is 1M: the full run).</summary>
    public int MemoryEntries { get; init; } = 100_000;

    /// <summary>The pairs to run (<c>--only P3,P5</c>, e.g. under a profiler); empty means all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Prints which types the selected pairs allocate most (<c>--allocations</c>).</summary>
    public bool ProfileAllocations { get; init; }

    /// <summary>Whether pair <paramref name="id"/> (e.g. <c>P4</c>) runs.</summary>
    public bool Includes(string id) => Only.Count == 0 || Only.Contains(id);

    public static BenchmarkSettings FromArgs(string[] args)
    {
        var settings = args.Contains("--tiny") ? Tiny : args.Contains("--quick") ? Quick : Full;
        settings = settings with { ProfileAllocations = args.Contains("--allocations") };
        var only = Array.IndexOf(args, "--only");
        return only >= 0 && only + 1 < args.Length
            ? settings with { Only = new HashSet<string>(args[only + 1].Split(','), StringComparer.OrdinalIgnoreCase) }
            : settings;
    }
}
