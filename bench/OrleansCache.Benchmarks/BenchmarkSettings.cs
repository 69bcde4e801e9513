using System.Globalization;

namespace OrleansCache.Benchmarks;

/// <summary>How long each measurement runs: the full run, <c>--quick</c> (under 5 minutes), or <c>--tiny</c> (the suite's smoke test).</summary>
internal sealed record BenchmarkSettings(string Name, int Warmup, int Samples, TimeSpan ThroughputDuration, TimeSpan HitDuration, int[] KeyCounts, int BurstCalls)
{
    public static readonly BenchmarkSettings Full = new("full", 2_000, 20_000, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), [1_000, 100_000], 1_000)
    {
        InvalidationDuration = TimeSpan.FromSeconds(5),
        ThroughputInvalidations = 50_000,
        MemoryEntries = 1_000_000,
        Repeats = 3,
        GrowthSizes = [10_000, 100_000, 1_000_000],
        HitBenchmarkJob = "default",
    };

    public static readonly BenchmarkSettings Quick = new("quick", 300, 2_000, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(200), [1_000, 100_000], 1_000)
    {
        InvalidationDuration = TimeSpan.FromSeconds(2),
        ThroughputInvalidations = 10_000,
        MemoryEntries = 100_000,
        Repeats = 3,
        GrowthSizes = [10_000, 100_000],
        // BenchmarkDotNet's short job alone takes about 4 minutes for P1's 16 cases here (shorter iterations gave
        // numbers 2-4x off for the peers); the quick run's P1 is the Stopwatch loop, and --bdn short adds it.
        HitBenchmarkJob = null,
    };

    public static readonly BenchmarkSettings Tiny = new("tiny", 10, 40, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(10), [100], 100)
    {
        InvalidationReceivers = [1, 2],
        InvalidationDuration = TimeSpan.FromMilliseconds(150),
        ThroughputInvalidations = 100,
        MemoryEntries = 10_000,
        Repeats = 2,
        StalenessDuration = TimeSpan.FromMilliseconds(300),
        GrowthSizes = [200, 1_000],
        HitBenchmarkJob = "dry",
    };

    /// <summary>P4: how many clients receive each invalidation.</summary>
    public int[] InvalidationReceivers { get; init; } = [1, 10, 50];

    /// <summary>P4: the fixed write rate.</summary>
    public double InvalidationRate { get; init; } = 2_000;

    /// <summary>P4: how long writes go on at that rate, per receiver count and repeat (the first tenth is warm-up).</summary>
    public TimeSpan InvalidationDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>P5: invalidations sent as fast as they go.</summary>
    public int ThroughputInvalidations { get; init; } = 10_000;

    /// <summary>P7: near-cache entries, peer cache entries and grain activations measured (the issue's figure is 1M: the full run).</summary>
    public int MemoryEntries { get; init; } = 100_000;

    /// <summary>P9: how long the staleness workload runs per repeat (issue 13: 2 s).</summary>
    public TimeSpan StalenessDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>P11: the entry counts at which P1's hit and P2's miss are measured (<c>--sizes 10000,100000,1000000</c>).</summary>
    public int[] GrowthSizes { get; init; } = [10_000, 100_000];

    /// <summary>P1: the BenchmarkDotNet job of <c>bench/OrleansCache.HitBenchmarks</c> run beside the Stopwatch loop (<c>--bdn dry|short|medium|default|none</c>); null: none.</summary>
    public string? HitBenchmarkJob { get; init; }

    /// <summary>How many times each pair is measured; the table shows the median of the repeats.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Silos as separate <c>src/Silo</c> processes (<c>--processes</c>), so the client's figures exclude the silos' work.</summary>
    public bool Processes { get; init; }

    /// <summary>How many silos the run starts (<c>--silos</c>; 3 by default). P6 compares two gateways and needs two.</summary>
    public int Silos { get; init; } = 3;

    /// <summary>The run's silos in words: <c>3 silo processes</c>, <c>1 in-process silo</c>.</summary>
    public string SilosInWords => Processes
        ? $"{Silos} silo process{(Silos == 1 ? "" : "es")}"
        : $"{Silos} in-process silo{(Silos == 1 ? "" : "s")}";

    /// <summary>Where to write the table as JSON too (<c>--json FILE</c>), for the smoke test.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Where to write P2's and P4's latency CDF plots (<c>--plots DIR</c>); null: none.</summary>
    public string? PlotDirectory { get; init; }

    /// <summary>The pairs to run (<c>--only P3,P5</c>); empty means all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether pair <paramref name="id"/> (e.g. <c>P4</c>) runs.</summary>
    public bool Includes(string id) => Only.Count == 0 || Only.Contains(id);

    public static BenchmarkSettings FromArgs(string[] args)
    {
        var settings = args.Contains("--tiny") ? Tiny : args.Contains("--quick") ? Quick : Full;
        settings = settings with { Processes = args.Contains("--processes") };
        if (ValueOf(args, "--only") is { } only)
        {
            settings = settings with { Only = new HashSet<string>(only.Split(','), StringComparer.OrdinalIgnoreCase) };
        }

        if (ValueOf(args, "--repeats") is { } repeats)
        {
            settings = settings with { Repeats = Math.Max(1, int.Parse(repeats, CultureInfo.InvariantCulture)) };
        }

        if (ValueOf(args, "--silos") is { } silos)
        {
            settings = settings with { Silos = int.Parse(silos, CultureInfo.InvariantCulture) };
            if (settings.Silos < 1 || (settings.Silos < 2 && settings.Includes("P6")))
            {
                throw new ArgumentException($"--silos {silos}: at least 1, and at least 2 when P6 runs (it compares two gateways; leave it out with --only).");
            }
        }

        if (ValueOf(args, "--receivers") is { } receivers)
        {
            settings = settings with { InvalidationReceivers = [.. receivers.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))] };
        }

        if (ValueOf(args, "--rate") is { } rate)
        {
            settings = settings with { InvalidationRate = double.Parse(rate, CultureInfo.InvariantCulture) };
        }

        if (ValueOf(args, "--sizes") is { } sizes)
        {
            settings = settings with { GrowthSizes = [.. sizes.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] };
        }

        if (ValueOf(args, "--bdn") is { } job)
        {
            settings = settings with { HitBenchmarkJob = job == "none" ? null : job };
        }

        if (ValueOf(args, "--plots") is { } plots)
        {
            settings = settings with { PlotDirectory = plots };
        }

        return ValueOf(args, "--json") is { } json ? settings with { JsonPath = json } : settings;
    }

    private static string? ValueOf(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
