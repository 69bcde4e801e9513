using Microsoft.Extensions.Options;
using OrleansCache.Core.Security;

namespace OrleansCache.Runtime;

/// <summary>Rejects security settings that cannot work, with messages that name the setting and never show a secret.</summary>
internal sealed class SiloSecurityOptionsValidator : IValidateOptions<SiloSecurityOptions>
{
    private const string Prefix = nameof(SiloSecurityOptions);

    public ValidateOptionsResult Validate(string? name, SiloSecurityOptions options)
    {
        var errors = new List<string>();
        Add(errors, SecretRules.Check($"{Prefix}.{nameof(SiloSecurityOptions.SharedSecret)}", options.SharedSecret));
        for (var i = 0; i < options.AcceptedSecrets.Count; i++)
        {
            Add(errors, SecretRules.Check($"{Prefix}.{nameof(SiloSecurityOptions.AcceptedSecrets)}[{i}]", options.AcceptedSecrets[i], required: true));
        }

        foreach (var (keyId, key) in options.ClientKeys)
        {
            Add(errors, SecretRules.CheckKeyId($"{Prefix}.{nameof(SiloSecurityOptions.ClientKeys)} id", keyId));
            Add(errors, SecretRules.Check($"{Prefix}.{nameof(SiloSecurityOptions.ClientKeys)}[{keyId}]", key, required: true));
        }

        if (string.IsNullOrEmpty(options.SharedSecret) && (options.AcceptedSecrets.Count > 0 || options.ClientKeys.Count > 0))
        {
            errors.Add($"{Prefix}.{nameof(SiloSecurityOptions.AcceptedSecrets)} and {nameof(SiloSecurityOptions.ClientKeys)} need a {nameof(SiloSecurityOptions.SharedSecret)} too: it is what silos prove to each other.");
        }

        if (options.Tls is null)
        {
            errors.Add($"{Prefix}.{nameof(SiloSecurityOptions.Tls)} must not be null.");
        }
        else
        {
            ValidateTls(errors, options.Tls);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateTls(List<string> errors, SiloTlsOptions tls)
    {
        const string Tls = $"{Prefix}.{nameof(SiloSecurityOptions.Tls)}";
        if (tls.Certificate is not null && !string.IsNullOrEmpty(tls.CertificatePath))
        {
            errors.Add($"{Tls}: set {nameof(SiloTlsOptions.Certificate)} or {nameof(SiloTlsOptions.CertificatePath)}, not both.");
        }

        if (tls.Certificate is { HasPrivateKey: false })
        {
            errors.Add($"{Tls}.{nameof(SiloTlsOptions.Certificate)} ({tls.Certificate.Subject}) has no private key; a server certificate needs one.");
        }

        CheckFile(errors, $"{Tls}.{nameof(SiloTlsOptions.CertificatePath)}", tls.CertificatePath);
        CheckFile(errors, $"{Tls}.{nameof(SiloTlsOptions.CertificateKeyPath)}", tls.CertificateKeyPath);
        CheckFile(errors, $"{Tls}.{nameof(SiloTlsOptions.TrustedCertificatePath)}", tls.TrustedCertificatePath);
    }

    private static void CheckFile(List<string> errors, string setting, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            errors.Add($"{setting} '{path}' does not exist.");
        }
    }

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
