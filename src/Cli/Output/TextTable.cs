using System.Text;

namespace OrleansCache.Cli.Output;

/// <summary>Columns padded to their widest cell, two spaces apart; numeric columns aligned right.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _rightAligned = [];

    /// <summary>Aligns the named columns to the right (numbers).</summary>
    public TextTable AlignRight(params string[] columns)
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

    public override string ToString()
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(headers))
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                var cell = _rightAligned.Contains(i) ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]);
                line.Append(cell).Append(i < row.Length - 1 ? "  " : string.Empty);
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
