using Microsoft.Extensions.Options;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Security;

namespace OrleansCache.Client;

/// <summary>Rejects client settings that cannot work.</summary>
internal sealed class ClusterClientOptionsValidator : IValidateOptions<ClusterClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterClientOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add($"{nameof(ClusterClientOptions)}.{nameof(ClusterClientOptions.ClusterId)} must not be empty.");
        }

        if (options.Gateways.Count == 0 && options.GatewayListProvider is null)
        {
            errors.Add($"{nameof(ClusterClientOptions)}.{nameof(ClusterClientOptions.Gateways)} needs at least one host:port, e.g. localhost:30000 (or set a {nameof(ClusterClientOptions.GatewayListProvider)}, e.g. UseRedisGatewayList).");
        }

        foreach (var gateway in options.Gateways)
        {
            if (!EndPointParser.TryParse(gateway, out _))
            {
                errors.Add($"Gateway '{gateway}' is not host:port.");
            }
        }

        if (options.ResponseTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(ClusterClientOptions.ResponseTimeout)} and {nameof(ClusterClientOptions.ConnectTimeout)} must be positive.");
        }

        if (options.MinReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.MinReconnectDelay)
        {
            errors.Add($"{nameof(ClusterClientOptions.MinReconnectDelay)} must be positive and at most {nameof(ClusterClientOptions.MaxReconnectDelay)}.");
        }

        ValidateSecurity(errors, options.Security);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(ClusterClientOptions options)
    {
        var result = new ClusterClientOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(ClusterClientOptions), typeof(ClusterClientOptions), result.Failures);
        }
    }

    private static void ValidateSecurity(List<string> errors, ClientSecurityOptions security)
    {
        const string Prefix = $"{nameof(ClusterClientOptions)}.{nameof(ClusterClientOptions.Security)}";
        if (security is null)
        {
            errors.Add($"{Prefix} must not be null.");
            return;
        }

        AddIfError(errors, SecretRules.Check($"{Prefix}.{nameof(ClientSecurityOptions.SharedSecret)}", security.SharedSecret));
        AddIfError(errors, SecretRules.CheckKeyId($"{Prefix}.{nameof(ClientSecurityOptions.KeyId)}", security.KeyId));
        if (security.KeyId is not null && string.IsNullOrEmpty(security.SharedSecret))
        {
            errors.Add($"{Prefix}.{nameof(ClientSecurityOptions.KeyId)} is set but {nameof(ClientSecurityOptions.SharedSecret)} (the key itself) is not.");
        }

        if (security.Tls is null)
        {
            errors.Add($"{Prefix}.{nameof(ClientSecurityOptions.Tls)} must not be null.");
        }
        else if (security.Tls.TrustedCertificatePath is { } path && !File.Exists(path))
        {
            errors.Add($"{Prefix}.{nameof(ClientSecurityOptions.Tls)}.{nameof(ClientTlsOptions.TrustedCertificatePath)} '{path}' does not exist.");
        }
    }

    private static void AddIfError(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
