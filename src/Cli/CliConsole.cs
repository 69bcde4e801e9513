namespace OrleansCache.Cli;

/// <summary>Where the tool writes: results to <c>Out</c>, errors and progress to <c>Error</c>.</summary>
/// <remarks><c>ErrorIsTerminal</c> is true when a person watches <c>Error</c>: progress is then shown unasked.</remarks>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool ErrorIsTerminal = false);
