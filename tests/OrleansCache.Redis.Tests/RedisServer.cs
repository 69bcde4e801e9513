using OrleansCache.TestSupport.Redis;
using StackExchange.Redis;
using Xunit;

[assembly: AssemblyFixture(typeof(OrleansCache.Redis.Tests.RedisServer))]

namespace OrleansCache.Redis.Tests;

/// <summary>
/// The test assembly's own redis-server on a free loopback port (keyspace notifications on), stopped by its process
/// id at the end, and a connection for tests to look at it or publish with. Tests isolate themselves by key prefix,
/// channel names and service id.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    public string ConnectionString => _server!.ConnectionString;

    public IDatabase Database => _connection!.GetDatabase();

    public ISubscriber Subscriber => _connection!.GetSubscriber();

    public IServer Server => _connection!.GetServer(ConnectionString);

    /// <summary>A name no other test uses.</summary>
    public static string Unique(string what) => $"{what}-{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true");
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
