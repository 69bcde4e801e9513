using OrleansCache.Cli.Output;
using OrleansCache.Cli.Parsing;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("00:00:30", 30_000)]
    [InlineData(" 7S ", 7_000)]
    public void TryParse_AcceptsOperatorDurations(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("soon")]
    [InlineData("5 weeks")]
    [InlineData("00:00:00")]
    [InlineData("1e300d")]
    public void TryParse_RejectsWhatIsNotAPositiveDuration(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Theory]
    [InlineData(250, "250ms")]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1.5m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(172_800_000, "2d")]
    public void Format_WritesWhatTheParserReads(double milliseconds, string expected)
    {
        var text = DurationFormatter.Format(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, text);
        Assert.True(DurationParser.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }
}
