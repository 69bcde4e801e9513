using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Reads the tool's plain progress lines (<c>progress: 4211/10000 keys  silo-a 1400/3350 ...</c>) and checks them.</summary>
internal static partial class ProgressLines
{
    /// <summary>
    /// Checks that stderr is the label, then progress lines only, each counting every key once, never going back, per
    /// silo or in total, and ending at <paramref name="total"/> of <paramref name="total"/>.
    /// </summary>
    public static IReadOnlyList<Line> AssertRiseTo(IReadOnlyList<string> stderr, string label, long total, IReadOnlyCollection<string> siloNames)
    {
        Assert.True(stderr.Count >= 2, $"Expected the label and progress lines: {string.Join(" | ", stderr)}");
        Assert.Equal(label, stderr[0]);
        var lines = stderr.Skip(1).Select(Parse).ToList();
        foreach (var line in lines)
        {
            Assert.Equal(total, line.Total);
            Assert.Equal(line.Done, line.Silos.Values.Sum(s => s.Done));
            Assert.Equal(line.Total, line.Silos.Values.Sum(s => s.Total));
            Assert.All(line.Silos.Keys, name => Assert.Contains(name, siloNames));
        }

        foreach (var (earlier, later) in lines.Zip(lines.Skip(1)))
        {
            Assert.True(later.Done >= earlier.Done, $"Progress went back: {earlier.Text} then {later.Text}");
            Assert.All(later.Silos, s => Assert.True(s.Value.Done >= earlier.Silos[s.Key].Done, $"{s.Key} went back: {earlier.Text} then {later.Text}"));
        }

        Assert.Equal(total, lines[^1].Done);
        return lines;
    }

    private static Line Parse(string text)
    {
        var match = LinePattern().Match(text);
        Assert.True(match.Success, $"Not a progress line: '{text}'");
        var silos = match.Groups["silo"].Captures.Select((c, i) => (Name: c.Value, Done: Number(match.Groups["siloDone"].Captures[i].Value), Total: Number(match.Groups["siloTotal"].Captures[i].Value)))
            .ToDictionary(s => s.Name, s => (s.Done, s.Total), StringComparer.Ordinal);
        return new Line(text, Number(match.Groups["done"].Value), Number(match.Groups["total"].Value), silos);
    }

    private static long Number(string digits) => long.Parse(digits, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^progress: (?<done>\d+)/(?<total>\d+) keys(?:  (?<silo>\S+) (?<siloDone>\d+)/(?<siloTotal>\d+))*$")]
    private static partial Regex LinePattern();

    /// <summary>One progress line: every key, and each silo's, as done and total.</summary>
    public sealed record Line(string Text, long Done, long Total, IReadOnlyDictionary<string, (long Done, long Total)> Silos);
}
