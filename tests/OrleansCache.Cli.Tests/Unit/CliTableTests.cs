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

    private static CliTable Table()
    {
        var table = new CliTable("NAME", "COUNT", "NOTE").AlignRight("COUNT");
        table.Add("a", "5", "x");
        // Brackets are text, not Spectre markup.
        table.Add("longer [b]", "1234", "-");
        return table;
    }
}
