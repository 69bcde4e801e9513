using OrleansCache.Cli.Output;
using Spectre.Console;

namespace OrleansCache.Cli;

/// <summary>Where the tool writes: results to <c>Out</c>, errors and progress to <c>Error</c>.</summary>
/// <remarks>
/// <c>ErrorIsTerminal</c> is true when a person watches <c>Error</c>: progress is then shown unasked, as bars.
/// <c>OutIsTerminal</c> is true when a person reads <c>Out</c>: tables get borders and <c>watch</c> a live view. Output
/// that goes to a file or a pipe stays plain text, the same whatever the terminal, for scripts.
/// </remarks>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool ErrorIsTerminal = false, bool OutIsTerminal = false)
{
    /// <summary>The terminal's width in columns; null: as Spectre.Console detects it (tests set it).</summary>
    public int? TerminalWidth { get; init; }

    /// <summary>Spectre.Console over <see cref="Out"/>: colours and redrawing only on a terminal.</summary>
    public IAnsiConsole AnsiOut() => Terminal.Console(Out, OutIsTerminal, TerminalWidth);

    /// <summary>Spectre.Console over <see cref="Error"/>: colours and redrawing only on a terminal.</summary>
    public IAnsiConsole AnsiError() => Terminal.Console(Error, ErrorIsTerminal, TerminalWidth);
}
