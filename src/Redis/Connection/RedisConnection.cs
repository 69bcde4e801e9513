using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Redis.Diagnostics;
using StackExchange.Redis;

namespace OrleansCache.Redis.Connection;

/// <summary>
/// The silo's one Redis connection, shared by Redis storage and the bridge: opened on first use (StackExchange.Redis then
/// reconnects by itself) and closed when the silo's services are disposed.
/// </summary>
/// <remarks>
/// StackExchange.Redis takes no cancellation tokens, so every call goes through <see cref="RunAsync{T}"/>, which bounds
/// it by <see cref="RedisCacheOptions.OperationTimeout"/> and the caller's token. A call given up on may still run on
/// the server: its outcome is unknown, which is what <see cref="TimeoutException"/> means to storage's callers.
/// </remarks>
internal sealed partial class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly RedisCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;
    private int _disposed;

    public RedisConnection(IOptions<RedisCacheOptions> options, IOptions<ClusterOptions> cluster, TimeProvider time, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        KeyPrefix = _options.KeyPrefix ?? DefaultKeyPrefix(cluster.Value.ServiceId);
    }

    /// <summary>The prefix of every key OrleansCache writes.</summary>
    public string KeyPrefix { get; }

    public TimeSpan OperationTimeout => _options.OperationTimeout;

    /// <summary>The default <see cref="RedisCacheOptions.KeyPrefix"/>.</summary>
    public static string DefaultKeyPrefix(string serviceId) => $"orleanscache:{serviceId}:";

    /// <summary>The shared connection, opened on first use.</summary>
    public async ValueTask<ConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Volatile.Read(ref _multiplexer) ?? await ConnectAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one Redis call, failing with <see cref="TimeoutException"/> past the operation timeout.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);
        return await BoundAsync(call(multiplexer.GetDatabase()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a call already sent, at most the operation timeout; a call given up on is still observed.</summary>
    public async Task<T> BoundAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!task.IsCompleted)
        {
            // Abandoned: observe its eventual failure so it is never reported as unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>Waits for a call already sent that returns nothing, at most the operation timeout.</summary>
    public Task BoundAsync(Task task, CancellationToken cancellationToken) =>
        BoundAsync(task.ContinueWith(static t => { t.GetAwaiter().GetResult(); return true; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            try
            {
                await multiplexer.CloseAsync(allowCommandsToComplete: true).WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or RedisException)
            {
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var error = UntrustedText.ForLog(ex.Message);
                    LogCloseFailed(_logger, error);
                }
            }

            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>For containers disposed synchronously: closes at once, without letting queued commands finish.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interlocked.Exchange(ref _multiplexer, null)?.Dispose();
        }
    }

    /// <summary>The StackExchange.Redis configuration these options describe (a copy: the caller's is never changed).</summary>
    internal static ConfigurationOptions BuildConfiguration(RedisCacheOptions options)
    {
        var configuration = options.ConfigurationOptions?.Clone() ?? ConfigurationOptions.Parse(options.ConnectionString);

        // Keep retrying in the background: Redis may be restarting while the silo starts, and storage calls fail
        // (with their timeout) rather than the silo.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        if (options.ConfigurationOptions is null)
        {
            // Back off from 100 ms up to the limit, not StackExchange.Redis' default 10 s: see ReconnectDelayLimit.
            var limit = (int)options.ReconnectDelayLimit.TotalMilliseconds;
            configuration.ReconnectRetryPolicy = new ExponentialRetry(Math.Min(100, limit), limit);
        }

        configuration.Ssl |= options.UseTls;
        if (options.TrustedCertificatePath is { Length: > 0 } authority)
        {
            configuration.TrustIssuer(authority);
        }
        configuration.ClientName ??= "orleanscache";
        if (options.User is { } user)
        {
            configuration.User = user;
        }

        if (options.Password is { } password)
        {
            configuration.Password = password;
        }

        return configuration;
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

            var configuration = BuildConfiguration(_options);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var redacted = configuration.ToString(includePassword: false);
                LogConnecting(_logger, redacted, KeyPrefix);
            }

            var connecting = ConnectionMultiplexer.ConnectAsync(configuration);
            ConnectionMultiplexer multiplexer;
            try
            {
                // AbortOnConnectFail=false returns once the first attempt ended, well or not; twice the connect timeout
                // leaves room for the handshake and the server's configuration queries.
                multiplexer = await connecting.WaitAsync(_options.ConnectTimeout * 2, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!connecting.IsCompleted)
            {
                _ = connecting.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                _ = connecting.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
            if (Volatile.Read(ref _disposed) != 0)
            {
                multiplexer.Dispose();
                throw new ObjectDisposedException(nameof(RedisConnection));
            }

            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        LogConnectionFailed(_logger, e.EndPoint?.ToString() ?? "(unknown)", e.ConnectionType, e.FailureType, UntrustedText.ForLog(e.Exception?.Message));

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var endPoint = e.EndPoint?.ToString() ?? "(unknown)";
            LogConnectionRestored(_logger, endPoint, e.ConnectionType);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Connecting to Redis ({Configuration}), key prefix {KeyPrefix}")]
    private static partial void LogConnecting(ILogger logger, string configuration, string keyPrefix);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} ({ConnectionType}) failed: {FailureType}: {Error}")]
    private static partial void LogConnectionFailed(ILogger logger, string endPoint, ConnectionType connectionType, ConnectionFailureType failureType, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} ({ConnectionType}) restored")]
    private static partial void LogConnectionRestored(ILogger logger, string endPoint, ConnectionType connectionType);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "Closing the Redis connection did not finish cleanly: {Error}")]
    private static partial void LogCloseFailed(ILogger logger, string error);
}
