using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansCache.TestSupport.Redis;

/// <summary>
/// A redis-server of our own on a free loopback port (no persistence, keyspace events on), for tests and benchmarks.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string? _dataDirectory;
    private readonly IReadOnlyList<string> _bindAddresses;
    private readonly (string Certificate, string Key)? _tls;
    private Process? _process;

    private RedisServerProcess(string? dataDirectory, IReadOnlyList<string> bindAddresses, (string Certificate, string Key)? tls = null)
    {
        _dataDirectory = dataDirectory;
        _bindAddresses = bindAddresses;
        _tls = tls;
    }

    public int Port { get; private set; }

    /// <summary>The TLS port of a server started with <see cref="StartWithTlsAsync"/> (0 otherwise).</summary>
    public int TlsPort { get; private set; }

    /// <summary>The server's process id (changes when it is restarted).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts a server on a free port (trying a few, in case another process takes the one picked).</summary>
    /// <param name="dataDirectory">
    /// Null: nothing is persisted, a restart starts empty. Otherwise an append-only file there, synced on every write,
    /// so every acknowledged write survives a restart, even after SIGKILL.
    /// </param>
    /// <param name="alsoListenOn">
    /// More addresses of this machine to listen on besides loopback (e.g. a bridge that network namespaces reach it by).
    /// </param>
    /// <exception cref="InvalidOperationException">redis-server is not installed or never answered.</exception>
    public static async Task<RedisServerProcess> StartAsync(string? dataDirectory = null, IReadOnlyList<string>? alsoListenOn = null)
    {
        var server = new RedisServerProcess(dataDirectory, ["127.0.0.1", .. alsoListenOn ?? []]);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            server.Port = FreePort();
            server.Launch();
            if (await server.AnswersPingAsync())
            {
                return server;
            }

            await server.StopAsync();
        }

        throw new InvalidOperationException("redis-server did not answer on any of five ports.");
    }

    /// <summary>
    /// Starts a server that also listens with TLS on <see cref="TlsPort"/>, showing <paramref name="certificate"/> (PEM,
    /// with its PEM <paramref name="key"/>) and asking clients for no certificate. <see cref="Port"/> stays plain, for the
    /// readiness check and for tests that compare.
    /// </summary>
    public static async Task<RedisServerProcess> StartWithTlsAsync(string certificate, string key)
    {
        var server = new RedisServerProcess(null, ["127.0.0.1"], (certificate, key));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            server.Port = FreePort();
            server.TlsPort = FreePort();
            server.Launch();
            if (await server.AnswersPingAsync())
            {
                return server;
            }

            await server.StopAsync();
        }

        throw new InvalidOperationException("redis-server with TLS did not answer on any of five ports.");
    }

    /// <summary>Kills the server and starts it again on the same port (a Redis restart, as clients see it).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        Launch();
        if (!await AnswersPingAsync())
        {
            throw new InvalidOperationException("redis-server did not come back after the restart.");
        }
    }

    /// <summary>
    /// Kills the server, throws away everything it persisted, and starts it again on the same port, empty: a Redis that
    /// lost its data with its machine or volume, as clients see it (a server without persistence restarts empty anyway).
    /// </summary>
    public async Task RestartEmptyAsync()
    {
        await StopAsync();
        if (_dataDirectory is not null)
        {
            foreach (var file in Directory.EnumerateFiles(_dataDirectory))
            {
                File.Delete(file);
            }

            foreach (var directory in Directory.EnumerateDirectories(_dataDirectory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        Launch();
        if (!await AnswersPingAsync())
        {
            throw new InvalidOperationException("redis-server did not come back after the restart.");
        }
    }

    /// <summary>SIGSTOP: the server holds every connection open and answers nothing until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, ProcessId.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} of redis-server failed with exit code {kill.ExitCode}.");
        }
    }

    private void Launch()
    {
        string[] persistence = _dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDirectory];
        string[] tls = _tls is { } pair
            ? ["--tls-port", TlsPort.ToString(CultureInfo.InvariantCulture), "--tls-cert-file", pair.Certificate, "--tls-key-file", pair.Key, "--tls-ca-cert-file", pair.Certificate, "--tls-auth-clients", "no"]
            : [];
        var start = new ProcessStartInfo("redis-server", ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", string.Join(' ', _bindAddresses), "--save", "", .. persistence, .. tls, "--protected-mode", "no", "--notify-keyspace-events", "Kg$x"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed; run through scripts/test.sh, which installs it.", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
    }

    private async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    private async Task<bool> AnswersPingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // Not listening yet: the connection attempt itself is the wait.
                await Task.Yield();
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
