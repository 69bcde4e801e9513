using System.CommandLine;
using System.CommandLine.Help;
using OrleansCache.Cli.Commands;

namespace OrleansCache.Cli;

/// <summary>
/// The tool's entry point, separate from <c>Program</c> so tests run it in-process with their own writers and
/// cancellation. Parse errors never reach a command: they are one line on the error writer and exit code 2.
/// </summary>
internal static class CliApp
{
    public const string Name = "orleans-cache";

    /// <summary>Runs one command line; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, new CliConsole(output, error), cancellationToken);

    /// <inheritdoc cref="RunAsync(string[], TextWriter, TextWriter, CancellationToken)"/>
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken) =>
        RunAsync(args, console, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>
    /// Runs one command line, reading environment variables (<c>ORLEANSCACHE_REDIS_PASSWORD</c>,
    /// <c>ORLEANSCACHE_TLS_CERTIFICATE_PASSWORD</c>) through <paramref name="environment"/>: tests running in parallel in
    /// one process must not share the real environment.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(environment);
        var root = BuildRootCommand(console, environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Several errors (e.g. an unknown word, and so no command) still make one line.
            var messages = string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')).Distinct(StringComparer.Ordinal));
            await console.Error.WriteLineAsync($"error: {CommandRunner.OneLine(messages)} (see '{Name} --help')").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Program maps Ctrl+C to the token; tests run many invocations in one process and must not hook signals.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The root command, named <see cref="Name"/> (a <see cref="RootCommand"/> takes the assembly's name, which is
    /// OrleansCache.Cli), with the help and version options a root command has.
    /// </summary>
    internal static Command BuildRootCommand(CliConsole console, Func<string, string?> environment)
    {
        var global = new GlobalOptions(environment);
        var runner = new CommandRunner(console, global);
        var root = new Command(Name, "orleans-cache: read, write and invalidate an OrleansCache cluster, watch its invalidations, list its members and statistics.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        global.AddTo(root);
        root.Add(GetCommand.Create(runner));
        root.Add(SetCommand.Create(runner));
        root.Add(RemoveCommand.Create(runner));
        root.Add(InvalidateCommand.Create(runner));
        root.Add(WatchCommand.Create(runner));
        root.Add(MembersCommand.Create(runner));
        root.Add(StatsCommand.Create(runner));
        root.Add(CompletionCommand.Create(runner, root));
        return root;
    }
}
