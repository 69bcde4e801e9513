using Microsoft.Extensions.Logging;

namespace OrleansCache.Silo.Security;

/// <summary>The log events of <see cref="PeerCertificateValidator"/> (stable event ids).</summary>
internal sealed partial class PeerCertificateValidator
{
    [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "Refused a {Role} certificate {Subject} (SHA-256 {Thumbprint}): {Status}; trust it with Tls:TrustedCertificatePath or Tls:TrustedThumbprints")]
    private static partial void LogRefused(ILogger logger, string role, string subject, string thumbprint, string status);
}
