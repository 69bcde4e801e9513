using System.Diagnostics;
using System.Globalization;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>The built tool running as a process until it is signalled (watch), its output readable line by line.</summary>
internal sealed class RunningToolProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;

    public RunningToolProcess(params string[] args)
    {
        _process = System.Diagnostics.Process.Start(ToolProcess.StartInfo(Tool.NoEnvironment, args)) ?? throw new InvalidOperationException("The tool did not start.");
        _process.OutputDataReceived += (_, e) => Forward(Out, e.Data);
        _process.ErrorDataReceived += (_, e) => Forward(Error, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public CapturedWriter Out { get; } = new();

    public CapturedWriter Error { get; } = new();

    /// <summary>Sends SIGTERM to this process (by its id), as a service manager stops a process, and returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(CapturedWriter.Timeout);
        }

        await _process.WaitForExitAsync().WaitAsync(CapturedWriter.Timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(CapturedWriter.Timeout);
        }

        _process.Dispose();
    }

    private static void Forward(CapturedWriter writer, string? line)
    {
        if (line is not null)
        {
            writer.WriteLine(line);
        }
    }
}
