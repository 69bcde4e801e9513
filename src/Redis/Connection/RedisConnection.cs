using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Runtime;
using StackExchange.Redis;

namespace OrleansCache.Redis.Connection;

/// <summary>
/// The silo's one Redis connection, opened on first use and shared by its Redis providers. StackExchange.Redis 1.2.6
/// takes no cancellation tokens, so every call is bounded here by <see cref="RedisOptions.OperationTimeout"/>.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;

    public RedisConnection(IOptions<RedisOptions> options, IOptions<SiloOptions> silo, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _logger = logger;
        KeyPrefix = _options.KeyPrefix ?? $"orleanscache:{silo.Value.ClusterId}:";
    }

    /// <summary>The prefix of every key this silo writes.</summary>
    public string KeyPrefix { get; }

    public TimeSpan OperationTimeout => _options.OperationTimeout;

    public async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) =>
        (await MultiplexerAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>The shared connection, opened on first use.</summary>
    public async Task<ConnectionMultiplexer> MultiplexerAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _multiplexer) ?? await ConnectAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Runs one Redis call, failing with <see cref="TimeoutException"/> past the operation timeout.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var task = call(database);
        try
        {
            return await task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!task.IsCompleted)
        {
            // Abandoned: observe its eventual failure so it is not reported as unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

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
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_multiplexer is { } existing)
            {
                return existing;
            }

            var configuration = ConfigurationOptions.Parse(_options.ConnectionString);
            configuration.AbortOnConnectFail = false; // keep retrying in the background: Redis may restart
            configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
            configuration.SyncTimeout = (int)_options.OperationTimeout.TotalMilliseconds;
            configuration.Ssl |= _options.UseTls;
            if (_options.Password is { } password)
            {
                configuration.Password = password;
            }

            LogConnecting(_logger, _options);
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(_options.ConnectTimeout + _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Connecting to Redis: {Settings}")]
    private static partial void LogConnecting(ILogger logger, RedisOptions settings);
}
