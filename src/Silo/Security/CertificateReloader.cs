using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Security;

/// <summary>
/// Checks the certificate files every <see cref="TlsSettings.ReloadInterval"/>. Polling, not a file watcher: mounted
/// secrets (Kubernetes) change by swapping a symbolic link, which file watchers often miss.
/// </summary>
internal sealed class CertificateReloader(SiloCertificate certificate, IOptions<TlsSettings> settings, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.ReloadInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                certificate.ReloadIfChanged();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
