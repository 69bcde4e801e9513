using System.Globalization;

namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>
/// How much fuzzing a run does, from the environment: <c>FUZZ_SEED</c> replays a run (every case is derived from it),
/// <c>FUZZ_SCALE</c> multiplies every target's input count (the CI suite runs at 1), and <c>FUZZ_REPORT</c> names a
/// file each target appends one line of counts to.
/// </summary>
public static class FuzzSettings
{
    public const string SeedVariable = "FUZZ_SEED";
    public const string ScaleVariable = "FUZZ_SCALE";
    public const string ReportVariable = "FUZZ_REPORT";

    /// <summary>The seed of this run: <c>FUZZ_SEED</c> if set, otherwise a fresh one (printed with every report).</summary>
    public static int Seed { get; } = ReadInt(SeedVariable) ?? Random.Shared.Next();

    /// <summary>The multiplier of every target's input count; at least 1.</summary>
    public static int Scale { get; } = Math.Max(1, ReadInt(ScaleVariable) ?? 1);

    /// <summary>Where reports are appended, or null.</summary>
    public static string? ReportPath { get; } = Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path ? path : null;

    /// <summary>The number of inputs a target tries: its CI count times <see cref="Scale"/>.</summary>
    public static int Inputs(int ciCount) => checked(ciCount * Scale);

    private static int? ReadInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
