using Microsoft.Extensions.Options;
using OrleansCache.Core.Messaging;

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
}
