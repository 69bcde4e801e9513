using System.ComponentModel;
using System.Diagnostics;

namespace OrleansCache.FaultInjection.Network;

/// <summary>Runs iproute2's <c>ip</c>: one command, or a batch of them on its standard input, each bounded in time.</summary>
internal static class IpCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The outcome of one <c>ip</c> run.</summary>
    /// <param name="ExitCode">0: every command succeeded; -1: <c>ip</c> could not be started or did not finish in time.</param>
    /// <param name="Output">Standard output.</param>
    /// <param name="Error">Standard error (the first failing command's complaint).</param>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public bool Ok => ExitCode == 0;
    }

    /// <summary>Runs <c>ip</c> with <paramref name="args"/>.</summary>
    public static Task<Result> RunAsync(params string[] args) => RunCoreAsync(args, null);

    /// <summary>
    /// Runs <paramref name="commands"/> (one <c>ip</c> command line each, without the leading <c>ip</c>) in one process.
    /// Stops at the first failure unless <paramref name="force"/>, which runs every line and reports failure at the end.
    /// With <paramref name="inNamespace"/>, every line runs inside that network namespace.
    /// </summary>
    public static Task<Result> BatchAsync(IEnumerable<string> commands, bool force = false, string? inNamespace = null) =>
        RunCoreAsync([.. inNamespace is null ? [] : new[] { "-n", inNamespace }, .. force ? new[] { "-force" } : [], "-batch", "-"], string.Join('\n', commands) + "\n");

    /// <summary>
    /// <see cref="BatchAsync"/> with <c>-force</c>, run synchronously: for the process-exit hook, where nothing can be
    /// awaited. Failures are ignored (it is the last word).
    /// </summary>
    public static void ForceBatchBlocking(IEnumerable<string> commands)
    {
        var start = new ProcessStartInfo("ip", ["-force", "-batch", "-"]) { RedirectStandardInput = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return;
            }

            process.StandardInput.Write(string.Join('\n', commands) + "\n");
            process.StandardInput.Close();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill();
            }
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            // The process is exiting; the next run's start-up removes what is left.
        }
    }

    private static async Task<Result> RunCoreAsync(string[] args, string? input)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("ip did not start.");
        }
        catch (Win32Exception ex)
        {
            return new Result(-1, "", $"ip could not be run: {ex.Message}");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
                process.StandardInput.Close();
            }

            try
            {
                await process.WaitForExitAsync().WaitAsync(Timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                process.Kill();
                return new Result(-1, "", $"ip {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds:0} s");
            }

            return new Result(process.ExitCode, await output.ConfigureAwait(false), (await error.ConfigureAwait(false)).Trim());
        }
    }
}
