using System.CommandLine;
using Microsoft.Extensions.Options;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// Runs a command's body and turns every way it can fail into one line on stderr and an exit code: usage errors 2,
/// cluster and operation errors 1. Nothing reaches the user as a stack trace.
/// </summary>
internal sealed class CommandRunner(CliConsole console, GlobalOptions global)
{
    /// <summary>Makes <paramref name="body"/> the action of <paramref name="command"/>.</summary>
    public void Bind(Command command, Func<CliContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

    /// <summary>Joins the lines of a message, so every error is exactly one line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private async Task<int> RunAsync(ParseResult parse, Func<CliContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(new CliContext(console, global.Read(parse), parse), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReportAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is CliUsageException or ArgumentException or OptionsValidationException)
        {
            // ArgumentException: the client library checks keys, patterns, tags and sizes before sending anything.
            await ReportAsync(ex is OptionsValidationException options ? string.Join(" ", options.Failures) : ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is ClusterUnreachableException or OrleansCacheException or OrleansException or TimeoutException)
        {
            await ReportAsync(ex.Message).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            // Not expected: still one line, with the type so a bug report says what happened.
            await ReportAsync($"{ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private Task ReportAsync(string message) => console.Error.WriteLineAsync($"error: {OneLine(message)}");
}
