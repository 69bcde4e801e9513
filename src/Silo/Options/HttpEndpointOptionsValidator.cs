using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansCache.Silo.Options;

/// <summary>Rejects HTTP settings that cannot work; never repeats the token.</summary>
internal sealed class HttpEndpointOptionsValidator(IOptions<SiloHostOptions> silo) : IValidateOptions<HttpEndpointOptions>
{
    /// <summary>Shorter tokens can be guessed by a patient scraper.</summary>
    public const int MinTokenLength = 16;

    private const string S = HttpEndpointOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, HttpEndpointOptions options)
    {
        var errors = new SettingErrors();
        if (!options.Enabled)
        {
            return errors.Result();
        }

        errors.Check(IPAddress.TryParse(options.ListenAddress, out _), S, nameof(HttpEndpointOptions.ListenAddress), $"'{options.ListenAddress}' is not an IP address (e.g. 127.0.0.1).");
        if (options.Port is < 0 or > 65535)
        {
            errors.Add(S, nameof(HttpEndpointOptions.Port), $"must be from 0 to 65535; it is {options.Port}.");
        }
        else if (options.Port != 0 && (options.Port == silo.Value.SiloPort || options.Port == silo.Value.GatewayPort))
        {
            errors.Add(S, nameof(HttpEndpointOptions.Port), $"{options.Port} is also the silo's or gateway port; pick another.");
        }

        if (options.Token is { } token)
        {
            errors.Check(token.Length >= MinTokenLength && !token.Any(char.IsWhiteSpace), S, nameof(HttpEndpointOptions.Token), $"must be at least {MinTokenLength} characters without spaces.");
        }

        return errors.Result();
    }
}
