using OrleansCache.Core.Membership;
using StackExchange.Redis;

namespace OrleansCache.Redis.Client;

/// <summary>
/// Finds the active gateways of a cluster in its Redis membership table, so clients need no static gateway list.
/// </summary>
/// <remarks>Owns its Redis connection (opened on first use, closed on dispose). Every read is bounded by a timeout.</remarks>
public sealed class RedisGatewayListProvider : IGatewayListProvider, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly RedisKey _hash;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>Creates the provider.</summary>
    /// <param name="connectionString">StackExchange.Redis configuration (host:port, password=..., ssl=...).</param>
    /// <param name="clusterId">The cluster whose gateways to find.</param>
    /// <param name="keyPrefix">The silos' Redis key prefix, if they set one; default <c>orleanscache:{clusterId}:</c>.</param>
    /// <param name="timeout">How long one read may take. Default 5 s.</param>
    public RedisGatewayListProvider(string connectionString, string clusterId, string? keyPrefix = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        _connectionString = connectionString;
        _hash = RedisMembershipLayout.Hash(keyPrefix ?? RedisMembershipLayout.DefaultPrefix(clusterId));
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        var multiplexer = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var fields = await multiplexer.GetDatabase().HashGetAllAsync(_hash).WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        return RedisMembershipLayout.Parse(fields).ActiveGateways();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync().ConfigureAwait(false);
            multiplexer.Dispose();
        }

        _connectLock.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _multiplexer) is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_multiplexer is null)
            {
                var configuration = ConfigurationOptions.Parse(_connectionString);
                configuration.AbortOnConnectFail = false;
                configuration.ConnectTimeout = (int)_timeout.TotalMilliseconds;
                Volatile.Write(ref _multiplexer, await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(_timeout + _timeout, cancellationToken).ConfigureAwait(false));
            }

            return _multiplexer!;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
