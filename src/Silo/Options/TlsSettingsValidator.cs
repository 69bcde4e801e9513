using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Security;

namespace OrleansCache.Silo.Options;

/// <summary>
/// Rejects TLS settings that cannot work, loading the certificate to prove the file, key and password fit together.
/// Messages name the setting and the file, never the password or anything of the key.
/// </summary>
internal sealed class TlsSettingsValidator(TimeProvider time) : IValidateOptions<TlsSettings>
{
    private const string S = TlsSettings.SectionName;

    public ValidateOptionsResult Validate(string? name, TlsSettings options)
    {
        var errors = new SettingErrors();
        if (!options.Enabled)
        {
            var stray = options.CertificateKeyPath is not null || options.CertificatePassword is not null || options.TrustedCertificatePath is not null
                || options.TrustedThumbprints.Count > 0 || options.ClientCertificates != ClientCertificateMode.None;
            errors.Check(!stray, S, nameof(TlsSettings.CertificatePath), "is required by the other Tls settings given (--tls-certificate).");
            return errors.Result();
        }

        errors.Check(options.ReloadInterval > TimeSpan.Zero, S, nameof(TlsSettings.ReloadInterval), "must be positive.");
        errors.Check(options.HandshakeTimeout > TimeSpan.Zero, S, nameof(TlsSettings.HandshakeTimeout), "must be positive.");
        if (CheckFile(errors, nameof(TlsSettings.CertificatePath), options.CertificatePath)
            & CheckFile(errors, nameof(TlsSettings.CertificateKeyPath), options.CertificateKeyPath))
        {
            try
            {
                using var certificate = CertificateFiles.LoadWithPrivateKey(options);
                if (CertificateFiles.Unsuitable(certificate, time.GetUtcNow()) is { } problem)
                {
                    errors.Add(S, nameof(TlsSettings.CertificatePath), $"'{options.CertificatePath}': the certificate {problem}");
                }
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
            {
                errors.Add(S, nameof(TlsSettings.CertificatePath), $"'{options.CertificatePath}' cannot be loaded with its key (wrong {S}:{nameof(TlsSettings.CertificatePassword)}, missing {S}:{nameof(TlsSettings.CertificateKeyPath)}, or not a certificate): {ex.Message}");
            }
        }

        if (CheckFile(errors, nameof(TlsSettings.TrustedCertificatePath), options.TrustedCertificatePath) && options.TrustedCertificatePath is { } trusted)
        {
            try
            {
                errors.Check(CertificateFiles.LoadTrusted(trusted).Count > 0, S, nameof(TlsSettings.TrustedCertificatePath), $"'{trusted}' holds no certificate.");
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
            {
                errors.Add(S, nameof(TlsSettings.TrustedCertificatePath), $"'{trusted}' is not a PEM or DER certificate file: {ex.Message}");
            }
        }

        foreach (var thumbprint in options.TrustedThumbprints)
        {
            var hex = thumbprint.Replace(":", string.Empty, StringComparison.Ordinal);
            errors.Check(hex.Length is 40 or 64 && hex.All(char.IsAsciiHexDigit), S, nameof(TlsSettings.TrustedThumbprints), $"'{thumbprint}' is not a SHA-1 (40) or SHA-256 (64 hex digits) thumbprint.");
        }

        if (options.ClientCertificates != ClientCertificateMode.None && options.TrustedCertificatePath is null && options.TrustedThumbprints.Count == 0)
        {
            errors.Add(S, nameof(TlsSettings.ClientCertificates), string.Create(CultureInfo.InvariantCulture, $"{options.ClientCertificates} needs {S}:{nameof(TlsSettings.TrustedCertificatePath)} (--tls-trusted) or {S}:{nameof(TlsSettings.TrustedThumbprints)} to say which client certificates to accept."));
        }

        return errors.Result();
    }

    private static bool CheckFile(SettingErrors errors, string name, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return true;
        }

        errors.Check(File.Exists(path), S, name, $"'{path}' does not exist.");
        return File.Exists(path);
    }
}
