using System.Globalization;
using System.Text;

namespace OrleansCache.Benchmarks;

/// <summary>The one table the run prints: our figure, the peer's, the ratio, the target, and whether it was met.</summary>
internal sealed class ResultTable
{
    private readonly List<Row> _rows = [];

    /// <summary>Adds a row; <paramref name="lowerIsBetter"/> says which way the target points.</summary>
    public void Add(string id, string what, double ours, double peer, string unit, double target, bool lowerIsBetter, string peerName)
    {
        var ratio = peer == 0 ? double.NaN : ours / peer;
        var met = double.IsNaN(target) ? (bool?)null : lowerIsBetter ? ratio <= target : ratio >= target;
        var targetText = double.IsNaN(target) ? "—" : (lowerIsBetter ? "≤ " : "≥ ") + target.ToString("0.##", CultureInfo.InvariantCulture) + "×";
        _rows.Add(new Row(id, what, Format(ours, unit), $"{Format(peer, unit)} ({peerName})", ratio, targetText, met));
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| # | measurement | ours | peer | ratio | target | met |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Id} | {row.What} | {row.Ours} | {row.Peer} | {row.Ratio:0.00}× | {row.Target} | {(row.Met is null ? "—" : row.Met.Value ? "yes" : "**no**")} |");
        }

        return text.ToString();
    }

    private static string Format(double value, string unit) => unit switch
    {
        "ops/s" => value.ToString("#,0", CultureInfo.InvariantCulture) + " ops/s",
        _ => value.ToString(value < 10 ? "0.00" : "#,0.0", CultureInfo.InvariantCulture) + " " + unit,
    };

    private sealed record Row(string Id, string What, string Ours, string Peer, double Ratio, string Target, bool? Met);
}
