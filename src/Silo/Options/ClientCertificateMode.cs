namespace OrleansCache.Silo.Options;

/// <summary>Whether clients must show a certificate on the gateway port.</summary>
internal enum ClientCertificateMode
{
    /// <summary>No client certificate is asked for; TLS encrypts, and any client that trusts the silo may connect.</summary>
    None,

    /// <summary>A client may show a certificate; one it shows must be trusted, one it does not show is not needed.</summary>
    Allowed,

    /// <summary>Every client must show a trusted certificate (mutual TLS).</summary>
    Required,
}
