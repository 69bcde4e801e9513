using System.Diagnostics;

namespace OrleansCache.FaultInjection.Network;

/// <summary>Runs iproute2's <c>ip</c> with arguments (never through a shell) and reports how it ended.</summary>
internal static class IpCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs <c>ip args</c>; returns the exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ip did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout).ConfigureAwait(false);
        return (process.ExitCode, (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false)));
    }

    /// <summary>Runs <c>ip args</c> and throws if it failed.</summary>
    /// <exception cref="InvalidOperationException">It exited with an error.</exception>
    public static async Task<string> RunCheckedAsync(params string[] args)
    {
        var (code, output) = await RunAsync(args).ConfigureAwait(false);
        return code == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {output.Trim()}");
    }
}
