using System.Globalization;
using System.Text.RegularExpressions;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// One place for a silo in the run's cluster: its address (a namespace's, or loopback) and the silo process running
/// there now. A killed or stopped silo is replaced by a new process in the same slot, on new ports.
/// </summary>
internal sealed partial class SiloSlot(int index, string address, IReadOnlyList<string> launcher, string? logDirectory) : IAsyncDisposable
{
    public int Index { get; } = index;

    /// <summary>The address the silo listens on and advertises.</summary>
    public string Address { get; } = address;

    /// <summary>The silo running in the slot now, or null between a stop and its replacement.</summary>
    public SiloProcess? Process { get; private set; }

    /// <summary>The silo port of <see cref="Process"/> (how membership names it).</summary>
    public int SiloPort { get; private set; }

    /// <summary>How many silos this slot started (1 for the first).</summary>
    public int Generation { get; private set; }

    public bool IsRunning => Process is { HasExited: false };

    /// <summary>The silo's address as membership names it: <c>address:siloPort</c>.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{Address}:{SiloPort}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"silo {Index} ({Address}:{SiloPort}, pid {Process?.Id})");

    /// <summary>
    /// Starts a silo in the slot and waits until it is active. If that takes longer than <see cref="SiloProcess"/>'s
    /// wait (60 s: a starved machine), the process keeps starting in the slot and the caller gets a
    /// <see cref="TimeoutException"/>; the run's recovery waits for it to join. If the process ends first, the caller
    /// gets a <see cref="SiloExitedException"/> at once.
    /// </summary>
    public async Task StartAsync(string redis, string clusterId, string serviceId)
    {
        await StopLeftoverAsync().ConfigureAwait(false);
        SiloPort = FreePorts.Take();
        Generation++;
        Process = SiloProcess.Launch(launcher, new Dictionary<string, string>(),
        [
            "--cluster-id", clusterId, "--service-id", serviceId, "--redis", redis,
            "--name", string.Create(CultureInfo.InvariantCulture, $"fi-{Index}-{Generation}"),
            "--listen", Address, "--advertised-host", Address,
            "--silo-port", Text(SiloPort), "--gateway-port", Text(FreePorts.Take()),
            .. BridgeSetup.SiloFlags,
        ]);
        await Process.WaitForOutputAsync(ActivePattern()).ConfigureAwait(false);
    }

    /// <summary>kill -9.</summary>
    public Task KillAsync() => Running().KillAsync();

    /// <summary>SIGSTOP: the silo freezes with its connections open.</summary>
    public Task PauseAsync() => Running().PauseAsync();

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => Running().ResumeAsync();

    /// <summary>SIGTERM, then waits (bounded) until it has handed over and exited.</summary>
    public Task TerminateAsync(TimeSpan timeout) => Running().TerminateAsync(timeout);

    public async ValueTask DisposeAsync() => await StopLeftoverAsync().ConfigureAwait(false);

    private SiloProcess Running() => Process ?? throw new InvalidOperationException($"No silo runs in slot {Index}.");

    private async Task StopLeftoverAsync()
    {
        if (Process is { } process)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            if (logDirectory is not null)
            {
                Directory.CreateDirectory(logDirectory);
                await File.WriteAllLinesAsync(Path.Combine(logDirectory, string.Create(CultureInfo.InvariantCulture, $"silo-{Index}-{Generation}.log")), process.Output).ConfigureAwait(false);
            }

            Process = null;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The silo executable's "active" line (event 6001).</summary>
    [GeneratedRegex(@" is active: silo port \d+", RegexOptions.None, 1000)]
    private static partial Regex ActivePattern();
}
