using OrleansCache.Cli.Output;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class CliTableTests
{
    [Fact]
    public void Plain_PadsColumns_AndAlignsNumbersRight_WithoutTrailingSpaces()
    {
        var table = Table();

        Assert.Equal("NAME        COUNT  NOTE\na               5  x\nlonger [b]   1234  -\n", table.ToPlainText());
    }

    [Fact]
    public async Task ToAFileOrPipe_IsPlain_AndToATerminal_HasBorders()
    {
        var piped = new CapturedWriter();
        var terminal = new CapturedWriter();

        await Table().WriteToAsync(new CliConsole(piped, TextWriter.Null));
        await Table().WriteToAsync(new CliConsole(terminal, TextWriter.Null, OutIsTerminal: true));

        Assert.Equal(Table().ToPlainText(), piped.Text);
        Assert.Contains("│ longer [b] │  1234 │ -    │", terminal.Text, StringComparison.Ordinal);
        Assert.StartsWith("╭", terminal.Lines[0].TrimStart('\u001b'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToATerminalTooNarrowForItsBorders_IsPlain()
    {
        var fits = new CapturedWriter();
        var narrow = new CapturedWriter();
        var width = Table().BorderedWidth();

        await Table().WriteToAsync(new CliConsole(fits, TextWriter.Null, OutIsTerminal: true) { TerminalWidth = width });
        await Table().WriteToAsync(new CliConsole(narrow, TextWriter.Null, OutIsTerminal: true) { TerminalWidth = width - 1 });

        Assert.StartsWith("╭", fits.Lines[0], StringComparison.Ordinal);
        Assert.Equal(width, fits.Lines[0].Length);
        Assert.Equal(Table().ToPlainText(), narrow.Text);
    }

    private static CliTable Table()
    {
        var table = new CliTable("NAME", "COUNT", "NOTE").AlignRight("COUNT");
        table.Add("a", "5", "x");
        // Brackets are text, not Spectre markup.
        table.Add("longer [b]", "1234", "-");
        return table;
    }
}
