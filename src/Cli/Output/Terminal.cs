using Spectre.Console;

namespace OrleansCache.Cli.Output;

/// <summary>Makes Spectre.Console consoles over the tool's writers.</summary>
internal static class Terminal
{
    /// <summary>Wide enough that no table of the tool wraps when written to a file or a pipe.</summary>
    private const int PlainWidth = 4096;

    /// <summary>
    /// A console over <paramref name="writer"/>: on a terminal, with what the terminal supports (ANSI, colours, its
    /// width, or <paramref name="width"/> if given, redrawing); otherwise plain text, no escape codes, and no width limit.
    /// </summary>
    public static IAnsiConsole Console(TextWriter writer, bool terminal, int? width = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            // The caller knows whether the stream is a terminal; Spectre's own guess also looks at stdin, which a pipe into the tool redirects.
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal || width is not null)
        {
            console.Profile.Width = terminal ? width!.Value : PlainWidth;
        }

        return console;
    }
}
