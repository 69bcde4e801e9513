using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Security;

/// <summary>
/// TLS on the silo's connections with Orleans' <c>Connections.Security</c> middleware, one set of TLS options per
/// direction (Orleans' <c>UseTls</c> shares one set between them, so "no client certificates on the gateway" would
/// also mean "no certificates between silos").
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Silo port: the connecting silo must show a trusted certificate (mutual TLS between silos, always).</item>
/// <item>Gateway port: clients show a certificate as <see cref="TlsSettings.ClientCertificates"/> says.</item>
/// <item>Connections to other silos: this silo shows its certificate and checks theirs.</item>
/// </list>
/// Every certificate this silo shows is read from <see cref="SiloCertificate"/> at each handshake, so a reloaded
/// certificate is used by the next connection.
/// </remarks>
internal static class SiloTls
{
    public static void Add(ISiloBuilder silo)
    {
        var services = silo.Services;
        services.TryAddSingleton<SiloCertificate>();
        services.TryAddSingleton<PeerCertificateValidator>();
        services.AddHostedService<CertificateReloader>();
        services.AddOptions<SiloConnectionOptions>().Configure<SiloCertificate, PeerCertificateValidator, IOptions<TlsSettings>>((connections, certificate, validator, settings) =>
        {
            var handshake = settings.Value.HandshakeTimeout;
            var siloInbound = new TlsOptions
            {
                LocalServerCertificateSelector = (_, _) => certificate.Current,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateValidation = validator.ValidateClient,
                HandshakeTimeout = handshake,
            };
            var gatewayInbound = new TlsOptions
            {
                LocalServerCertificateSelector = (_, _) => certificate.Current,
                RemoteCertificateMode = settings.Value.ClientCertificates switch
                {
                    ClientCertificateMode.Required => RemoteCertificateMode.RequireCertificate,
                    ClientCertificateMode.Allowed => RemoteCertificateMode.AllowCertificate,
                    _ => RemoteCertificateMode.NoCertificate,
                },
                RemoteCertificateValidation = validator.ValidateClient,
                HandshakeTimeout = handshake,
            };
            var outbound = new TlsOptions
            {
                LocalClientCertificateSelector = (_, _, _, _, _) => certificate.Current,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                RemoteCertificateValidation = validator.ValidateServer,
                HandshakeTimeout = handshake,
            };
            connections.ConfigureSiloInboundConnection(builder => builder.UseServerTls(siloInbound));
            connections.ConfigureGatewayInboundConnection(builder => builder.UseServerTls(gatewayInbound));
            connections.ConfigureSiloOutboundConnection(builder => builder.UseClientTls(outbound));
        });
    }
}
