using System.Globalization;
using System.Text;

namespace OrleansCache.FaultInjection.History;

/// <summary>The outcome of a run: figures per fault kind, every broken promise, and notes.</summary>
internal sealed class FaultReport
{
    /// <summary>One row per fault kind, and <c>none</c> for operations no fault overlapped.</summary>
    public required IReadOnlyList<KindFigures> Kinds { get; init; }

    /// <summary>Each broken promise, with the operation that broke it (at most a few examples per kind of violation).</summary>
    public required IReadOnlyList<string> Violations { get; init; }

    /// <summary>How many promises were broken in all (the examples above are capped).</summary>
    public int ViolationCount { get; init; }

    /// <summary>Context: counts, the network mode, skipped fault kinds and why.</summary>
    public List<string> Notes { get; } = [];

    public bool Passed => ViolationCount == 0;

    /// <summary>The report as Markdown (the tables in docs/reliability.md).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| fault | injected | staleness bound | ops | failed | reads | stale reads | max staleness | p99 staleness | over bound | backwards | lost writes | bursts | factory runs per burst | bridge messages | bridge lost | bridge applied twice | served again after healing (max) |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var k in Kinds)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {k.Kind} | {k.Injected} | {Ms(k.Bound)} | {k.Operations} | {k.Failed} | {k.Reads} | {k.StaleReads} | {Ms(k.MaxStaleness)} | {Ms(k.P99Staleness)} | {k.OverBound} | {k.Backwards} | {k.LostWrites} | {k.Bursts} | {RunsPerBurst(k)} | {k.BridgeMessages} | {k.BridgeLost} | {k.BridgeTwice} | {Recovery(k)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Violations: {ViolationCount}");
        foreach (var violation in Violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {violation}");
        }

        text.AppendLine();
        foreach (var note in Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        return text.ToString();
    }

    private static string RunsPerBurst(KindFigures k) =>
        k.Bursts == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{(double)k.FactoryRuns / k.Bursts:0.00}");

    private static string Recovery(KindFigures k) =>
        k.Injected == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{k.MaxRecovery.TotalSeconds:0.0} s");

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms");
}
