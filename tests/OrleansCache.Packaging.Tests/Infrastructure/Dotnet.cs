using System.Diagnostics;
using System.Text;

namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>Runs programs (the dotnet CLI, an installed tool) as a user would from a shell, to completion.</summary>
internal static class Dotnet
{
    /// <summary>Long enough for a restore and build on a loaded 2-core CI machine.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(4);

    /// <summary><c>dotnet ARGS</c> in <paramref name="workingDirectory"/>.</summary>
    public static Task<DotnetResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunProgramAsync("dotnet", workingDirectory, environment, DefaultLimit, args);

    /// <summary>Runs <paramref name="program"/>; kills it (only it, by its process) past <paramref name="limit"/>.</summary>
    public static async Task<DotnetResult> RunProgramAsync(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host runs under dotnet test, which leaves MSBuild's own locations in the environment; a nested
        // dotnet build must find its SDK by itself, as on a user's machine.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var commandLine = $"{program} {string.Join(' ', args)}";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"'{commandLine}' did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'{commandLine}' did not finish within {limit}:\n{Text(output)}");
        }

        // WaitForExitAsync returns once the redirected streams reached their end, so the output is complete.
        return new DotnetResult(commandLine, process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
