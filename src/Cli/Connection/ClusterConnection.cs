using System.Security.Authentication;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
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

    /// <summary>Ends a refusal of the tool's secret: the client's own advice names its settings, not the tool's options.</summary>
    private const string SecretHint =
        $"(the tool's secret comes from {SecuritySettings.SharedSecretVariable} or --shared-secret, a client key's id from --key-id; --tls turns TLS on)";

    /// <summary>Ends a refusal of the silos' certificate, in the tool's options.</summary>
    private const string CertificateHint =
        "(the tool trusts the certificates in the --tls-trusted file besides the system's, and expects the name given by --tls-host, by default the gateway's host)";

    private const string ClientSecurity = $"{nameof(ClusterClientOptions)}.{nameof(ClusterClientOptions.Security)}";

    /// <summary>The client's settings its validation errors name, and the tool's option for each.</summary>
    private static readonly (string Setting, string Option)[] SecurityOptionNames =
    [
        ($"{ClientSecurity}.{nameof(ClientSecurityOptions.SharedSecret)}", $"the shared secret ({SecuritySettings.SharedSecretVariable} or --shared-secret)"),
        ($"{ClientSecurity}.{nameof(ClientSecurityOptions.KeyId)}", "--key-id"),
        ($"{ClientSecurity}.{nameof(ClientSecurityOptions.Tls)}.{nameof(ClientTlsOptions.TrustedCertificatePath)}", "--tls-trusted"),
    ];

    /// <summary>
    /// Connects a cache client within <see cref="ConnectionSettings.Timeout"/>. Calls then time out after
    /// <paramref name="callTimeout"/> (default: the same timeout).
    /// </summary>
    /// <exception cref="CliUsageException">A gateway is not host:port, or the secret or TLS settings cannot work.</exception>
    /// <exception cref="ClusterUnreachableException">No gateway accepted the tool in time, or they refused its secret, or their certificate is not trusted.</exception>
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

        ApplySecurity(settings.Security, options.Cluster);
        var client = Create(options, settings.Security);
        try
        {
            // The client's own budget ends first and says why (e.g. connection refused); this bound is a backstop.
            await client.Cluster.ConnectAsync(cancellationToken).WaitAsync(settings.Timeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (ClusterAuthenticationException ex)
        {
            // Refused at once (the client does not retry a configuration error), so the tool says so rather than time out.
            await CloseAsync(client).ConfigureAwait(false);
            var (what, hint) = IsCertificateFailure(ex) ? ("TLS failed", CertificateHint) : ("authentication failed", SecretHint);
            throw new ClusterUnreachableException($"{what} with {settings.Describe()}: {ex.Message} {hint}", ex);
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

    /// <summary>Turns the tool's secret and TLS options into the client's.</summary>
    private static void ApplySecurity(SecuritySettings security, ClusterClientOptions options)
    {
        if (security.SharedSecret is { } secret)
        {
            options.UseSharedSecret(secret, security.KeyId);
        }
        else if (security.KeyId is not null)
        {
            throw new CliUsageException($"--key-id needs the key itself: set {SecuritySettings.SharedSecretVariable} (or --shared-secret).");
        }

        if (security.UsesTls)
        {
            options.UseTls(targetHost: security.TlsHost);
            options.Security.Tls.TrustedCertificatePath = security.TlsTrusted;
        }
    }

    /// <summary>
    /// Creates the client; its validation errors name its own settings, so they are reworded in the tool's terms (none
    /// of them shows the secret).
    /// </summary>
    private static IOrleansCacheClient Create(OrleansCacheClientOptions options, SecuritySettings security)
    {
        try
        {
            return OrleansCacheFactory.Create(options, new RawValueSerializer());
        }
        catch (OptionsValidationException ex)
        {
            throw new CliUsageException(string.Join(" ", ex.Failures.Select(InToolTerms)));
        }
        catch (Exception ex) when (security.TlsTrusted is { } path && ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The client reads the file when it is created.
            throw new CliUsageException($"--tls-trusted '{path}' is not a PEM or DER certificate the tool can read: {ex.Message}");
        }
    }

    private static string InToolTerms(string failure) =>
        SecurityOptionNames.Aggregate(failure, (text, name) => text.Replace(name.Setting, name.Option, StringComparison.Ordinal));

    /// <summary>The silo's certificate was refused, as opposed to the tool's secret (the TLS stack's exception is inside).</summary>
    private static bool IsCertificateFailure(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                return true;
            }
        }

        return false;
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
