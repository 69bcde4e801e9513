using System.Diagnostics;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Runs the built tool as a real process (<c>dotnet OrleansCache.Cli.dll ...</c>), as an operator would.</summary>
internal static class ToolProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(Tool.NoEnvironment, args);

    /// <summary>Runs the tool with <paramref name="environment"/> added to the environment it inherits.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(environment, args)) ?? throw new InvalidOperationException("The tool did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            // Only the process this test started, by its id.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"orleans-cache {string.Join(' ', args)} did not exit within {Limit}.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary><c>dotnet OrleansCache.Cli.dll ARGS</c> with redirected output.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(BuiltTool.Path);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
