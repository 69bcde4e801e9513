using System.CommandLine;
using OrleansCache.Cli.Completion;

namespace OrleansCache.Cli.Commands;

/// <summary><c>completion bash|zsh|pwsh</c>: prints a shell completion script for the tool (no cluster needed).</summary>
internal static class CompletionCommand
{
    /// <summary>The command; its script is made from <paramref name="root"/> when it runs, so it lists every command added to it.</summary>
    public static Command Create(CommandRunner runner, Command root)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or pwsh (PowerShell)." };
        shell.AcceptOnlyFromAmong(CompletionScript.Shells);
        var command = new Command(
            "completion",
            "Print a shell completion script: source <(orleans-cache completion bash) in bash (or zsh); orleans-cache completion pwsh | Out-String | Invoke-Expression in PowerShell.")
        {
            shell,
        };
        runner.Bind(command, async (context, cancellationToken) =>
        {
            var script = CompletionScript.For(context.Parse.GetValue(shell)!, CompletionModel.From(root));
            await context.Out.WriteAsync(script.AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
