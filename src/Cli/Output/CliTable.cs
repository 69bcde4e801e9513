using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansCache.Cli.Output;

/// <summary>
/// A table of the tool (members, stats): on a terminal a Spectre.Console table with borders; in a file or a pipe
/// plain columns padded to their widest cell, two spaces apart, numbers aligned right, no trailing spaces, as scripts
/// have always read them.
/// </summary>
internal sealed class CliTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _rightAligned = [];

    /// <summary>Aligns the named columns to the right (numbers).</summary>
    public CliTable AlignRight(params string[] columns)
    {
        foreach (var column in columns)
        {
            _rightAligned.Add(Array.IndexOf(headers, column));
        }

        return this;
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row needs {headers.Length} cells, not {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>
    /// Writes the table to the console's <c>Out</c>: bordered on a terminal wide enough for it, plain otherwise (a
    /// bordered table squeezed into a narrow terminal would break its cells over several lines).
    /// </summary>
    public Task WriteToAsync(CliConsole console)
    {
        if (console.OutIsTerminal)
        {
            var terminal = console.AnsiOut();
            if (BorderedWidth() <= terminal.Profile.Width)
            {
                terminal.Write(Build(bordered: true));
                return Task.CompletedTask;
            }
        }

        return console.Out.WriteAsync(ToPlainText());
    }

    /// <summary>The bordered table's width: each column's widest cell with a space either side and a border, and the last border.</summary>
    internal int BorderedWidth() =>
        headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max() + 3).Sum() + 1;

    /// <summary>The plain rendering: one line per row, ending with a newline.</summary>
    public string ToPlainText()
    {
        using var writer = new StringWriter();
        Terminal.Console(writer, terminal: false).Write(Build(bordered: false));
        var text = new StringBuilder();
        foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append(line.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    private Table Build(bool bordered)
    {
        var table = new Table().Border(bordered ? TableBorder.Rounded : TableBorder.None);
        for (var i = 0; i < headers.Length; i++)
        {
            var header = new Text(headers[i], bordered ? new Style(decoration: Decoration.Bold) : Style.Plain);
            var column = new TableColumn(header) { NoWrap = true };
            if (_rightAligned.Contains(i))
            {
                column.RightAligned();
            }

            if (!bordered)
            {
                // Two spaces between columns, none at the edges: what the tool printed before it had tables.
                column.PadLeft(0).PadRight(i < headers.Length - 1 ? 2 : 0);
            }

            table.AddColumn(column);
        }

        foreach (var row in _rows)
        {
            // Text, not markup: silo names and addresses are shown as they are, brackets included.
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        }

        return table;
    }
}
