using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansCache.TestSupport.Processes;

/// <summary>
/// A real silo process (the built <c>src/Silo</c> executable), started with arguments and read through its log.
/// The test project must reference <c>src/Silo</c> with <c>ReferenceOutputAssembly="false"</c> so it is built.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Signal)> _waiters = [];

    // Standard output and error still open; at zero the process has ended and no line will come.
    private int _openStreams = 2;

    private SiloProcess(Process process)
    {
        _process = process;
        Id = process.Id;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id { get; }

    /// <summary>The gateway port the silo reported (0 until it reported it).</summary>
    public int GatewayPort { get; private set; }

    /// <summary><c>127.0.0.1:port</c> of the gateway.</summary>
    public string Gateway => $"127.0.0.1:{GatewayPort.ToString(CultureInfo.InvariantCulture)}";

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>When it exited (local time).</summary>
    public DateTime ExitTime => _process.ExitTime;

    /// <summary>Everything the silo printed so far, one entry per line.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts a silo without waiting for it (for silos expected to fail).</summary>
    public static SiloProcess Launch(params string[] args) => Launch(new Dictionary<string, string>(), args);

    /// <summary>Starts a silo with extra environment variables, without waiting for it.</summary>
    public static SiloProcess Launch(IReadOnlyDictionary<string, string> environment, params string[] args) => Launch([], environment, args);

    /// <summary>
    /// Starts a silo through <paramref name="launcher"/> (e.g. <c>ip netns exec NAME</c>), without waiting for it. The
    /// launcher must exec the silo in its place, so this process is the silo (killing it kills the silo).
    /// </summary>
    public static SiloProcess Launch(IReadOnlyList<string> launcher, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(launcher.Count == 0 ? "dotnet" : launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var part in launcher.Skip(1).Concat(launcher.Count == 0 ? [] : ["dotnet"]))
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add(BuiltAssemblies.PathOf("src/Silo", "OrleansCache.Silo"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new SiloProcess(Process.Start(start) ?? throw new InvalidOperationException("The silo process did not start."));
    }

    /// <summary>Starts a silo and waits until it listens.</summary>
    public static Task<SiloProcess> StartAsync(params string[] args) => StartAsync(new Dictionary<string, string>(), args);

    /// <summary>Starts a silo with extra environment variables and waits until it listens.</summary>
    public static Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args) => StartAsync([], environment, args);

    /// <summary>Starts a silo through <paramref name="launcher"/> (see <see cref="Launch(IReadOnlyList{string}, IReadOnlyDictionary{string, string}, string[])"/>) and waits until it listens.</summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyList<string> launcher, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var silo = Launch(launcher, environment, args);
        try
        {
            var listening = await silo.WaitForOutputAsync(GatewayPortPattern());
            silo.GatewayPort = int.Parse(listening.Groups[1].Value, CultureInfo.InvariantCulture);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes with the first log line (so far or to come) that matches.</summary>
    /// <exception cref="SiloExitedException">The process ended without printing one.</exception>
    /// <exception cref="TimeoutException">None came within 60 s.</exception>
    public Task<Match> WaitForOutputAsync(Regex pattern)
    {
        lock (_lock)
        {
            foreach (var line in _lines)
            {
                var match = pattern.Match(line);
                if (match.Success)
                {
                    return Task.FromResult(match);
                }
            }

            if (_openStreams == 0)
            {
                return Task.FromException<Match>(Exited(pattern));
            }

            var signal = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((pattern, signal));
            return signal.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>The last <paramref name="count"/> lines of its log.</summary>
    public IReadOnlyList<string> LastLines(int count)
    {
        lock (_lock)
        {
            return [.. _lines.TakeLast(count)];
        }
    }

    /// <summary>SIGKILL: the silo vanishes without a word.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(Timeout);
    }

    /// <summary>
    /// SIGSTOP, by process id: the silo freezes mid-flight (no probes answered, no timers, nothing sent) while its
    /// sockets stay open, as under a long GC pause or a suspended VM, until <see cref="ResumeAsync"/>.
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT after <see cref="PauseAsync"/>: the silo carries on where it stopped, unaware of the time lost.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>The first group of the first log line (so far or to come) that matches <paramref name="pattern"/>.</summary>
    public async Task<string> WaitForValueAsync(Regex pattern) => (await WaitForOutputAsync(pattern)).Groups[1].Value;

    /// <summary>SIGTERM: the silo stops gracefully; completes when it has exited.</summary>
    public Task TerminateAsync() => TerminateAsync(Timeout);

    /// <summary>SIGTERM, waiting at most <paramref name="timeout"/> for the silo to exit.</summary>
    /// <exception cref="TimeoutException">It did not exit in time.</exception>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var term = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    public async Task WaitForExitAsync() => await _process.WaitForExitAsync().WaitAsync(Timeout);

    /// <summary>Completes when the silo has exited by itself.</summary>
    /// <exception cref="TimeoutException">It was still running after <paramref name="timeout"/>.</exception>
    public async Task WaitForExitAsync(TimeSpan timeout) => await _process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} of silo process {Id} failed with exit code {kill.ExitCode}.");
        }
    }

    private void Add(string? line)
    {
        lock (_lock)
        {
            if (line is null)
            {
                // The end of one of the two streams: once both ended, nobody waiting will see a line.
                if (--_openStreams == 0)
                {
                    foreach (var waiter in _waiters)
                    {
                        waiter.Signal.TrySetException(Exited(waiter.Pattern));
                    }

                    _waiters.Clear();
                }

                return;
            }

            _lines.Add(line);
            foreach (var waiter in _waiters.ToList())
            {
                var match = waiter.Pattern.Match(line);
                if (match.Success)
                {
                    waiter.Signal.TrySetResult(match);
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    private SiloExitedException Exited(Regex pattern) =>
        new($"The silo process {Id} ended without a line matching '{pattern}'. Its last lines: {string.Join(" | ", _lines.TakeLast(3))}");

    [GeneratedRegex(@"gateway port (\d+)", RegexOptions.None, 1000)]
    private static partial Regex GatewayPortPattern();
}
