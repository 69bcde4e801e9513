using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

[assembly: AssemblyFixture(typeof(OrleansCache.Redis.Tests.RedisServer))]

namespace OrleansCache.Redis.Tests;

/// <summary>
/// A redis-server of our own on a free loopback port, for the whole test assembly, stopped at the end. Tests isolate
/// themselves by key prefix. The test command installs redis-server on a bare machine.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => $"test:{Guid.NewGuid():N}:";

    public async ValueTask InitializeAsync()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Port = FreePort();
            var start = new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--notify-keyspace-events", "Kg$x"])
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
                throw new InvalidOperationException("redis-server is not installed; run the tests through scripts/test.sh, which installs it.", ex);
            }

            _process.OutputDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            if (await AnswersPingAsync())
            {
                return;
            }

            _process.Kill();
            await _process.WaitForExitAsync();
        }

        throw new InvalidOperationException("redis-server did not answer on any of five ports.");
    }

    /// <summary>Kills the server and starts it again on the same port (a Redis restart, as clients see it).</summary>
    public async Task RestartAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        var start = new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--notify-keyspace-events", "Kg$x"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        if (!await AnswersPingAsync())
        {
            throw new InvalidOperationException("redis-server did not come back after the restart.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
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
