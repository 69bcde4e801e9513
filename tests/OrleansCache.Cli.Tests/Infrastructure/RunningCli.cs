namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>A run of the tool in this process that goes on until stopped, like Ctrl+C stops it in a terminal.</summary>
internal sealed class RunningCli : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    public RunningCli(string[] args)
    {
        _run = Task.Run(() => CliApp.RunAsync(args, new CliConsole(Out, Error), name => Tool.NoEnvironment.GetValueOrDefault(name), _stop.Token));
    }

    public CapturedWriter Out { get; } = new();

    public CapturedWriter Error { get; } = new();

    /// <summary>Fails if the run ended by itself (e.g. it could not connect), otherwise completes with the line.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var line = Out.LineAsync(match, timeout);
        if (await Task.WhenAny(line, _run) == _run)
        {
            throw new InvalidOperationException($"The tool ended with {await _run} before the line came: {Error.Text}");
        }

        return await line;
    }

    /// <summary>Stops the run (Ctrl+C) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(CapturedWriter.Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
