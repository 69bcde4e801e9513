using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Cli.Output;
using OrleansCache.Cli.Values;
using OrleansCache.Client;

namespace OrleansCache.Cli.Connection;

/// <summary>Connects the tool's client, and fails fast, in one line, when the cluster cannot be reached or refuses it.</summary>
internal static class ClusterConnection
{
    /// <summary>The longest key the tool sends (the client's default; silos accept this much by default too).</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>
    /// Builds an Orleans client with the cache (<c>AddOrleansCacheClient</c>) and connects it within
    /// <see cref="ConnectionSettings.Timeout"/>. Calls then time out after <paramref name="callTimeout"/> (default: the
    /// same timeout). With <paramref name="broadcastPrefixes"/>, the cache hears every invalidation of keys under them.
    /// </summary>
    /// <exception cref="CliUsageException">A gateway is not host:port, or a TLS or Redis option cannot work.</exception>
    /// <exception cref="ClusterUnreachableException">No gateway accepted the tool in time, or the connection failed or was refused.</exception>
    public static async Task<ClusterSession> ConnectAsync(
        ConnectionSettings settings,
        CancellationToken cancellationToken,
        TimeSpan? callTimeout = null,
        IReadOnlyList<string>? broadcastPrefixes = null)
    {
        var gateways = ResolveGateways(settings);
        var tls = settings.Tls.UsesTls ? new ClientTls(settings.Tls, gateways, settings.Timeout) : null;
        var calls = callTimeout ?? settings.Timeout;
        var host = Build(settings, gateways, calls, broadcastPrefixes ?? [], tls);
        var session = new ClusterSession(host);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.Timeout);
            // The token ends the attempt; the wait is a backstop for a start that does not observe it.
            await host.StartAsync(deadline.Token).WaitAsync(settings.Timeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw Translate(ex, settings, tls);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The client's host, not started (tests look at its configuration).</summary>
    internal static IHost Build(ConnectionSettings settings, IReadOnlyDictionary<IPEndPoint, string> gateways, TimeSpan callTimeout, IReadOnlyList<string> broadcastPrefixes, ClientTls? tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = CliApp.Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ToolHostLifetime>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<ICacheSerializer, RawValueSerializer>();
        builder.Services.AddOrleansCacheClient(
            cache =>
            {
                cache.ClusterId = settings.ClusterId;
                cache.ServiceId = settings.ServiceId;
                cache.MaxKeyLength = MaxKeyLength;
                foreach (var gateway in gateways.Keys)
                {
                    // Already resolved: the client library resolves no name again.
                    cache.Gateways.Add(gateway.ToString());
                }

                foreach (var prefix in broadcastPrefixes)
                {
                    cache.BroadcastPrefixes.Add(prefix);
                }

                // The tool reads each key once: a near-cache would only hold memory.
                cache.NearCache.MaxEntries = 16;
                cache.RetryTimeout = callTimeout;
                cache.FeedSubscribeWait = settings.Timeout;
            },
            client => ClientBuilderSetup.Configure(client, settings, callTimeout, tls));
        return builder.Build();
    }

    /// <summary>
    /// Checks every gateway is host:port and resolves it, keeping the name it was given by (the name a TLS gateway's
    /// certificate must carry, unless --tls-host says otherwise).
    /// </summary>
    private static Dictionary<IPEndPoint, string> ResolveGateways(ConnectionSettings settings)
    {
        if (settings.Redis is not null && settings.Gateways.Count > 0)
        {
            throw new CliUsageException("--gateway and --redis are two ways to find the cluster: give one of them.");
        }

        var resolved = new Dictionary<IPEndPoint, string>();
        foreach (var gateway in settings.EffectiveGateways)
        {
            if (!GatewayEndpoints.TryParse(gateway, out var parsed))
            {
                throw new CliUsageException($"--gateway '{gateway}' is not host:port, e.g. localhost:30000.");
            }

            IPEndPoint endpoint;
            try
            {
                endpoint = GatewayEndpoints.Resolve([gateway])[0];
            }
            catch (SocketException ex)
            {
                throw new ClusterUnreachableException($"cannot reach {settings.Describe()}: the gateway host '{parsed.Host}' cannot be resolved: {ex.Message}", ex);
            }

            resolved.TryAdd(endpoint, parsed.Host);
        }

        return resolved;
    }

    /// <summary>One line that says what failed; a configuration error is a usage error, everything else "cannot reach".</summary>
    private static Exception Translate(Exception ex, ConnectionSettings settings, ClientTls? tls)
    {
        if (ex is OptionsValidationException options)
        {
            return new CliUsageException(string.Join(" ", options.Failures));
        }

        if (ex is OperationCanceledException or TimeoutException)
        {
            return new ClusterUnreachableException($"cannot reach {settings.Describe()}: no gateway accepted the tool within {DurationFormatter.Format(settings.Timeout)}", ex);
        }

        var reason = RedisClustering.Redact(ConnectionFailure.Describe(ex), settings.Redis);
        if (tls?.Validator.LastRefusal is { } refusal)
        {
            return new ClusterUnreachableException(
                $"TLS failed with {settings.Describe()}: {refusal} (the tool trusts the system's roots and the certificates in the --tls-trusted file, "
                + "and expects the name given by --tls-host, by default the gateway's host)",
                ex);
        }

        var hint = tls is not null ? " (over TLS: a silo that requires a client certificate needs --tls-certificate; one without TLS refuses --tls)" : string.Empty;
        return new ClusterUnreachableException($"cannot reach {settings.Describe()}: {reason}{hint}", ex);
    }
}
