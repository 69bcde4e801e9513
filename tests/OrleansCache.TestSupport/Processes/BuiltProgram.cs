using System.Diagnostics;

namespace OrleansCache.TestSupport.Processes;

/// <summary>
/// Runs a built program of this repository (<c>dotnet</c> on its assembly, found by <see cref="BuiltAssemblies"/>) to its
/// end, with what it printed; a run longer than its timeout is killed (by its id, with its children).
/// </summary>
public static class BuiltProgram
{
    /// <summary>Runs assembly <paramref name="assemblyName"/> of <paramref name="project"/> with <paramref name="args"/>.</summary>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/> (the message holds its stderr).</exception>
    public static async Task<BuiltProgramResult> RunAsync(string project, string assemblyName, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltAssemblies.PathOf(project, assemblyName));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{assemblyName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ex is TimeoutException)
            {
                throw new TimeoutException($"{assemblyName} ran longer than {timeout}; it printed:\n{await errors}");
            }

            throw;
        }

        return new BuiltProgramResult(process.ExitCode, await output, await errors);
    }
}
