using OrleansCache.Cli.Output;
using OrleansCache.Cli.Values;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Core.Messaging;
using OrleansCache.Redis.Client;

namespace OrleansCache.Cli.Connection;

/// <summary>Opens the tool's cache client and fails fast, in one line, when no gateway accepts it.</summary>
internal static class ClusterConnection
{
    /// <summary>The longest key the tool sends (the client's default; silos accept this much by default too).</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>How long closing the connection may take before the tool exits anyway.</summary>
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connects a cache client within <see cref="ConnectionSettings.Timeout"/>. Calls then time out after
    /// <paramref name="callTimeout"/> (default: the same timeout).
    /// </summary>
    /// <exception cref="CliUsageException">A gateway is not host:port.</exception>
    /// <exception cref="ClusterUnreachableException">No gateway accepted the tool in time.</exception>
    public static async Task<IOrleansCacheClient> ConnectAsync(
        ConnectionSettings settings,
        CancellationToken cancellationToken,
        TimeSpan? callTimeout = null,
        IEnumerable<string>? broadcastPrefixes = null)
    {
        var gateways = settings.EffectiveGateways;
        foreach (var gateway in gateways)
        {
            if (!EndPointParser.TryParse(gateway, out _))
            {
                throw new CliUsageException($"--gateway '{gateway}' is not host:port, e.g. localhost:30000.");
            }
        }

        var options = new OrleansCacheClientOptions { ClusterId = settings.ClusterId, MaxKeyLength = MaxKeyLength };
        options.Cluster.ClientId = $"{CliApp.Name}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        foreach (var gateway in gateways)
        {
            options.Gateways.Add(gateway);
        }

        if (settings.Redis is { } redis)
        {
            // Half the budget for Redis, so an unreachable Redis is reported as such rather than as a bare timeout.
            options.Cluster.GatewayListProvider = new RedisGatewayListProvider(redis, settings.ClusterId, settings.RedisPrefix, settings.Timeout / 2);
        }

        // The client waits one connect timeout per gateway: split the budget so the whole attempt takes --timeout.
        options.Cluster.ConnectTimeout = settings.Timeout / Math.Max(1, gateways.Count);
        options.Cluster.ResponseTimeout = callTimeout ?? settings.Timeout;
        // The tool reads each key once: a near-cache would only hold memory.
        options.NearCache.MaxEntries = 16;
        foreach (var prefix in broadcastPrefixes ?? [])
        {
            options.BroadcastPrefixes.Add(prefix);
        }

        var client = OrleansCacheFactory.Create(options, new RawValueSerializer());
        try
        {
            // The client's own budget ends first and says why (e.g. connection refused); this bound is a backstop.
            await client.Cluster.ConnectAsync(cancellationToken).WaitAsync(settings.Timeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or TimeoutException)
        {
            await CloseAsync(client).ConfigureAwait(false);
            var reason = ex is TimeoutException ? $"no gateway accepted the tool within {DurationFormatter.Format(settings.Timeout)}" : ex.Message;
            throw new ClusterUnreachableException($"cannot reach {settings.Describe()}: {reason}", ex);
        }
        catch
        {
            await CloseAsync(client).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Closes the client, waiting a bounded time: the tool must exit even if a connection hangs. The command's outcome
    /// is decided by then, so a failure to close changes neither its output nor its exit code; the sockets close
    /// with the process.
    /// </summary>
    public static async Task CloseAsync(IOrleansCacheClient client)
    {
        try
        {
            await client.DisposeAsync().AsTask().WaitAsync(DisposeTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // See above: nothing to report.
        }
    }
}
