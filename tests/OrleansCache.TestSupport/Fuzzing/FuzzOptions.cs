namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>One fuzz run of one target.</summary>
public sealed class FuzzOptions
{
    /// <param name="target">A short name of what is fuzzed; part of every case's seed, so keep it stable.</param>
    /// <param name="ciInputs">The inputs the CI suite tries; multiplied by <see cref="FuzzSettings.Scale"/>.</param>
    public FuzzOptions(string target, int ciInputs)
    {
        Target = target;
        Inputs = FuzzSettings.Inputs(ciInputs);
    }

    public string Target { get; }

    /// <summary>The number of inputs to try.</summary>
    public int Inputs { get; }

    /// <summary>The run's seed (default <see cref="FuzzSettings.Seed"/>).</summary>
    public int Seed { get; init; } = FuzzSettings.Seed;

    /// <summary>
    /// Longer than this for one input is a hang. Generous, because the machine may be busy with other builds; a real
    /// hang is forever, so the bound only decides how long the failing run takes.
    /// </summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The most bytes one input may allocate, given its length; null: not checked. Only synchronous targets are
    /// measured (the allocations of the fuzzing thread itself, so other tests running meanwhile do not count).
    /// </summary>
    public Func<int, long>? MaxAllocatedBytes { get; init; }

    /// <summary>Asynchronous targets: how many cases run at once. Default 1.</summary>
    public int Parallelism { get; init; } = 1;
}
