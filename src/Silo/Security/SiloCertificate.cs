using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Security;

/// <summary>
/// The silo's certificate, loaded from <see cref="TlsSettings.CertificatePath"/> and loaded again when its files change,
/// so a rotated certificate is used by new connections without a restart.
/// </summary>
/// <remarks>
/// A file that cannot be loaded (half-written, wrong password) keeps the current certificate in use and is tried
/// again at the next check. A replaced certificate is disposed only at the replacement after next, so a handshake
/// that picked it up just before the swap can still finish with it.
/// </remarks>
internal sealed partial class SiloCertificate : IDisposable
{
    private readonly TlsSettings _settings;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private X509Certificate2? _current;
    private X509Certificate2? _previous;
    private (DateTime, long, DateTime, long) _stamp;

    public SiloCertificate(IOptions<TlsSettings> settings, ILogger<SiloCertificate> logger)
    {
        _settings = settings.Value;
        _logger = logger;
    }

    /// <summary>The certificate to show now, loaded on first use (after the settings were validated).</summary>
    public X509Certificate2 Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            if (current is not null)
            {
                return current;
            }

            lock (_lock)
            {
                if (_current is null)
                {
                    _stamp = CertificateFiles.Stamp(_settings);
                    _current = CertificateFiles.LoadWithPrivateKey(_settings);
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        var description = CertificateFiles.Describe(_current);
                        LogLoaded(_logger, _settings.CertificatePath!, description);
                    }
                }

                return _current;
            }
        }
    }

    /// <summary>Raised after a new certificate replaced the old one.</summary>
    public event Action<X509Certificate2>? Changed;

    /// <summary>Loads the certificate again if its files changed since it was loaded; true if it was replaced.</summary>
    public bool ReloadIfChanged()
    {
        X509Certificate2 loaded;
        lock (_lock)
        {
            (DateTime, long, DateTime, long) stamp;
            try
            {
                stamp = CertificateFiles.Stamp(_settings);
            }
            catch (IOException ex)
            {
                LogReloadFailed(_logger, _settings.CertificatePath!, ex.Message);
                return false;
            }

            if (_current is not null && stamp == _stamp)
            {
                return false;
            }

            try
            {
                loaded = CertificateFiles.LoadWithPrivateKey(_settings);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
            {
                // Only the exception's message: it names what failed, never the password or the key.
                LogReloadFailed(_logger, _settings.CertificatePath!, ex.Message);
                return false;
            }

            if (_current is not null && loaded.RawDataMemory.Span.SequenceEqual(_current.RawDataMemory.Span))
            {
                _stamp = stamp;
                loaded.Dispose();
                return false;
            }

            _previous?.Dispose();
            _previous = _current;
            _current = loaded;
            _stamp = stamp;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var description = CertificateFiles.Describe(loaded);
            LogReloaded(_logger, _settings.CertificatePath!, description);
        }

        Changed?.Invoke(loaded);
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _previous?.Dispose();
            _current?.Dispose();
        }
    }
}
