using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own on a free loopback port, without persistence, whose only user is an ACL user
/// (<see cref="User"/>, <see cref="Password"/>: the default user is off); stopped by its process id.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    public const string User = "orleans-cache-tool";
    public const string Password = "tool-password-5c1e";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly System.Diagnostics.Process _process;

    private RedisServer(System.Diagnostics.Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server, without credentials.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>The server with the ACL user's credentials.</summary>
    public string AuthenticatedConnectionString => $"{ConnectionString},user={User},password={Password}";

    /// <summary>Starts a server on a free port; if another test took the port first, on another one.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(Loopback.FreePort());
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The port was taken between choosing and binding it.
            }
        }
    }

    private static async Task<RedisServer> StartOnAsync(int port)
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no",
            "--user", "default", "off", "--user", User, "on", $">{Password}", "~*", "&*", "+@all",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        try
        {
            await server.WaitUntilAnsweringAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        }

        _process.Dispose();
    }

    /// <summary>Until a PING is answered, trying again as long as the server is starting.</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{AuthenticatedConnectionString},connectTimeout=1000");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < StartTimeout && !_process.HasExited)
            {
                // Not listening yet: the connect attempt itself is the wait.
            }
            catch (RedisConnectionException ex) when (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited ({_process.ExitCode}).", ex);
            }
        }
    }
}
