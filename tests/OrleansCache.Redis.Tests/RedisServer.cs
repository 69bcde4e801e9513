using OrleansCache.TestSupport.Redis;
using Xunit;

[assembly: AssemblyFixture(typeof(OrleansCache.Redis.Tests.RedisServer))]

namespace OrleansCache.Redis.Tests;

/// <summary>
/// The test assembly's own redis-server on a free loopback port, stopped at the end. Tests isolate themselves by key
/// prefix; tests that restart Redis make one of their own.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public int Port => _server!.Port;

    public string ConnectionString => _server!.ConnectionString;

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => $"test:{Guid.NewGuid():N}:";

    public async ValueTask InitializeAsync() => _server = await RedisServerProcess.StartAsync();

    public Task RestartAsync() => _server!.RestartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
