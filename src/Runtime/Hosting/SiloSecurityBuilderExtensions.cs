using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Runtime;

namespace Microsoft.Extensions.Hosting;

/// <summary>Authentication and TLS for a silo through its <see cref="ISiloBuilder"/> (docs/security.md).</summary>
public static class SiloSecurityBuilderExtensions
{
    /// <summary>
    /// Requires <paramref name="secret"/> (at least 32 characters) from every client and silo that connects, and proves
    /// it to the silos this one connects to. Every silo of the cluster needs the same secret.
    /// </summary>
    public static ISiloBuilder UseSharedSecret(this ISiloBuilder builder, string secret)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        builder.Services.Configure<SiloSecurityOptions>(o => o.SharedSecret = secret);
        return builder;
    }

    /// <summary>
    /// Serves TLS with <paramref name="certificate"/> (which needs its private key) on the silo and gateway ports, and
    /// uses TLS to other silos, trusting the system's roots, this certificate, and what <paramref name="configure"/> adds.
    /// The caller owns the certificate.
    /// </summary>
    public static ISiloBuilder UseTls(this ISiloBuilder builder, X509Certificate2 certificate, Action<SiloTlsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(certificate);
        builder.Services.Configure<SiloSecurityOptions>(o =>
        {
            o.Tls.Certificate = certificate;
            configure?.Invoke(o.Tls);
        });
        return builder;
    }

    /// <summary>Sets every security option: shared secret, accepted secrets, client keys, TLS.</summary>
    public static ISiloBuilder ConfigureSecurity(this ISiloBuilder builder, Action<SiloSecurityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }
}
