using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansCache.Runtime;

/// <summary>Rejects HTTP settings that cannot work, with messages that name the setting.</summary>
internal sealed class SiloHttpOptionsValidator(IOptions<SiloOptions> silo) : IValidateOptions<SiloHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHttpOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (options.ListenAddress is not null && !IPAddress.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"{nameof(SiloHttpOptions)}.{nameof(SiloHttpOptions.ListenAddress)} '{options.ListenAddress}' is not an IP address.");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"{nameof(SiloHttpOptions)}.{nameof(SiloHttpOptions.Port)} must be from 0 to 65535; it is {options.Port}.");
        }
        else if (options.Port != 0 && (options.Port == silo.Value.SiloPort || options.Port == silo.Value.GatewayPort))
        {
            errors.Add($"{nameof(SiloHttpOptions)}.{nameof(SiloHttpOptions.Port)} {options.Port} is also the silo's {nameof(SiloOptions.SiloPort)} or {nameof(SiloOptions.GatewayPort)}; pick another.");
        }

        if (options.MaxConnections < 1)
        {
            errors.Add($"{nameof(SiloHttpOptions)}.{nameof(SiloHttpOptions.MaxConnections)} must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
