using System.Diagnostics;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Redis.Tests;

/// <summary>Runs the foreign clients in Interop/ (redis-cli, Python with Debian's python3-redis, Node with ioredis).</summary>
internal static class Interop
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The source folder (where scripts/test.sh installed node_modules), found from the test binaries.</summary>
    private static string Folder => Path.Combine(BuiltAssemblies.RepositoryRoot(), "tests", "OrleansCache.Redis.Tests", "Interop");

    /// <summary>Runs a command to completion and returns its output; fails the test on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string program, params string[] args)
    {
        using var process = Start(program, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }

    /// <summary>Starts a long-running command; the caller reads its output.</summary>
    public static Process Start(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Folder };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
    }

    public static string Python => "/usr/bin/python3";

    public static string Script(string name) => Path.Combine(Folder, name);
}
