using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>The one table the run prints: our figure, the peer's, the ratio, the target, and whether it was met.</summary>
internal sealed class ResultTable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly List<ResultRow> _rows = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ResultRow> Rows
    {
        get
        {
            // In pair order (P1, P2, ... whatever order they ran in), rows of a pair in the order added.
            lock (_lock)
            {
                return [.. _rows.OrderBy(r => int.TryParse(r.Id.AsSpan(1), CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)];
            }
        }
    }

    /// <summary>
    /// Adds a row whose target is a ratio (NaN: none). <paramref name="lowerIsBetter"/> says which way the target points.
    /// </summary>
    public void Add(string id, string what, double ours, double peer, string unit, string peerName, double target = double.NaN, bool lowerIsBetter = true)
    {
        var ratio = peer == 0 ? double.NaN : ours / peer;
        bool? met = double.IsNaN(target) ? null : lowerIsBetter ? ratio <= target : ratio >= target;
        var targetText = double.IsNaN(target) ? "—" : (lowerIsBetter ? "≤ " : "≥ ") + target.ToString("0.##", CultureInfo.InvariantCulture) + "×";
        AddRow(new ResultRow(id, what, ours, peer, unit, peerName, ratio, targetText, met));
    }

    /// <summary>Adds a row whose target is not a ratio (e.g. "0 B/op", "1 factory run"), with its verdict.</summary>
    public void AddAbsolute(string id, string what, double ours, double peer, string unit, string peerName, string target, bool met) =>
        AddRow(new ResultRow(id, what, ours, peer, unit, peerName, peer == 0 ? double.NaN : ours / peer, target, met));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| # | measurement | ours | peer | ratio | target | met |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in Rows)
        {
            var ratio = double.IsNaN(row.Ratio) ? "—" : row.Ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Id} | {row.What} | {Format(row.Ours, row.Unit)} | {Format(row.Peer, row.Unit)} ({row.PeerName}) | {ratio} | {row.Target} | {(row.Met is null ? "—" : row.Met.Value ? "yes" : "**no**")} |");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(Rows, Json);

    private void AddRow(ResultRow row)
    {
        lock (_lock)
        {
            _rows.Add(row);
        }
    }

    private static string Format(double value, string unit) => unit switch
    {
        "ops/s" => value.ToString("#,0", CultureInfo.InvariantCulture) + " ops/s",
        _ when double.IsNaN(value) => "—",
        _ => value.ToString(Math.Abs(value) < 10 ? "0.00" : "#,0.0", CultureInfo.InvariantCulture) + " " + unit,
    };
}
