using System.Diagnostics;
using System.Text.RegularExpressions;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>
/// A sample app run as a process (<c>dotnet samples/X/bin/.../X.dll</c>) on an HTTP port Kestrel picks, stopped by its
/// own process id. The test project references the sample with <c>ReferenceOutputAssembly="false"</c> so it is built.
/// </summary>
internal sealed partial class RunningSample : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningSample(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The sample exited before it listened:\n{Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where its HTTP API listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <c>samples/{name}</c> with <paramref name="args"/> and waits until its HTTP API listens.</summary>
    public static async Task<RunningSample> StartAsync(string name, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltAssemblies.PathOf($"samples/{name}", $"OrleansCache.Samples.{name}"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var sample = new RunningSample(Process.Start(start) ?? throw new InvalidOperationException($"The {name} sample did not start."));
        try
        {
            sample.BaseAddress = await sample._listening.Task.WaitAsync(StartLimit);
            return sample;
        }
        catch (TimeoutException)
        {
            var output = sample.Output;
            await sample.DisposeAsync();
            throw new TimeoutException($"The {name} sample did not listen within {StartLimit}:\n{output}");
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
        }

        if (ListeningPattern().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)", RegexOptions.None, 1000)]
    private static partial Regex ListeningPattern();
}
