using System.Diagnostics;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Runs the built tool as a real process (<c>dotnet orleans-cache.dll ...</c>), as an operator would.</summary>
internal static class ToolProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(Tool.NoEnvironment, args);

    /// <summary>Runs the tool with <paramref name="environment"/> added to the environment it inherits.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(BuiltAssemblies.PathOf("src/Cli", "orleans-cache"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("The tool did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"orleans-cache {string.Join(' ', args)} did not exit within {Limit}.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>A loopback endpoint nothing listens on: connecting to it is refused at once.</summary>
    public static string ClosedEndPoint()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
