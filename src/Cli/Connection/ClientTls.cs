using System.Net;
using Orleans.Connections.Security;

namespace OrleansCache.Cli.Connection;

/// <summary>
/// Turns the tool's TLS options into Orleans' <see cref="TlsOptions"/> for <c>clientBuilder.UseTls</c>: the tool's
/// certificate for mutual TLS, the certificates to trust, and the name each gateway's certificate must carry.
/// </summary>
internal sealed class ClientTls
{
    private readonly TlsSettings _settings;
    private readonly IReadOnlyDictionary<IPEndPoint, string> _gatewayHosts;

    /// <summary>Reads the certificate files now, so a wrong file is a command-line error before anything connects.</summary>
    /// <param name="settings">The TLS options.</param>
    /// <param name="gatewayHosts">The host name each gateway was given by (<c>--gateway name:port</c>), by its resolved endpoint.</param>
    /// <param name="handshakeTimeout">How long a handshake may take.</param>
    /// <exception cref="CliUsageException">A certificate file cannot be used.</exception>
    public ClientTls(TlsSettings settings, IReadOnlyDictionary<IPEndPoint, string> gatewayHosts, TimeSpan handshakeTimeout)
    {
        if (settings.KeyPath is not null && settings.CertificatePath is null)
        {
            throw new CliUsageException("--tls-key needs the certificate it belongs to: give it with --tls-certificate.");
        }

        _settings = settings;
        _gatewayHosts = gatewayHosts;
        Validator = new GatewayCertificateValidator(settings.TrustedPath is { } trusted ? CertificateFiles.LoadTrusted(trusted) : []);
        Options = new TlsOptions
        {
            LocalCertificate = settings.CertificatePath is { } path ? CertificateFiles.LoadClientCertificate(path, settings.KeyPath, settings.CertificatePassword) : null,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = Validator.Validate,
            HandshakeTimeout = handshakeTimeout,
            OnAuthenticateAsClient = (connection, ssl) => ssl.TargetHost = TargetHost(connection.RemoteEndPoint),
        };
    }

    /// <summary>What <c>UseTls</c> is given.</summary>
    public TlsOptions Options { get; }

    /// <summary>Why the last gateway certificate was refused, if one was.</summary>
    public GatewayCertificateValidator Validator { get; }

    /// <summary>Copies <see cref="Options"/> into the options Orleans' <c>UseTls</c> creates.</summary>
    public void Apply(TlsOptions target)
    {
        target.LocalCertificate = Options.LocalCertificate;
        target.RemoteCertificateMode = Options.RemoteCertificateMode;
        target.RemoteCertificateValidation = Options.RemoteCertificateValidation;
        target.HandshakeTimeout = Options.HandshakeTimeout;
        target.OnAuthenticateAsClient = Options.OnAuthenticateAsClient;
    }

    /// <summary>
    /// The name the gateway's certificate must carry: --tls-host, else the host the gateway was given by, else its
    /// address (gateways found in Redis are known by address only).
    /// </summary>
    internal string TargetHost(EndPoint? remote)
    {
        if (_settings.Host is { } host)
        {
            return host;
        }

        if (remote is not IPEndPoint endpoint)
        {
            return string.Empty;
        }

        var normalized = endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
        return _gatewayHosts.TryGetValue(normalized, out var name) ? name : normalized.Address.ToString();
    }
}
