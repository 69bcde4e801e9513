using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Hosting;

namespace OrleansCache.Silo.Options;

/// <summary>Rejects identity and endpoint settings that cannot work, each with a line that names the setting.</summary>
internal sealed class SiloHostOptionsValidator(IOptions<RedisSettings> redis) : IValidateOptions<SiloHostOptions>
{
    private const string S = SiloHostOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        var errors = new SettingErrors();
        errors.Check(!string.IsNullOrWhiteSpace(options.ClusterId), S, nameof(SiloHostOptions.ClusterId), "must not be empty.");
        errors.Check(!string.IsNullOrWhiteSpace(options.ServiceId), S, nameof(SiloHostOptions.ServiceId), "must not be empty.");
        var listenValid = IPAddress.TryParse(options.ListenAddress, out var listen);
        errors.Check(listenValid, S, nameof(SiloHostOptions.ListenAddress), $"'{options.ListenAddress}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface).");
        if (!string.IsNullOrWhiteSpace(options.AdvertisedHost) && !Resolves(options.AdvertisedHost))
        {
            errors.Add(S, nameof(SiloHostOptions.AdvertisedHost), $"'{options.AdvertisedHost}' does not resolve to an address.");
        }

        var siloPortValid = CheckPort(errors, nameof(SiloHostOptions.SiloPort), options.SiloPort);
        var gatewayPortValid = CheckPort(errors, nameof(SiloHostOptions.GatewayPort), options.GatewayPort);
        if (siloPortValid && gatewayPortValid && options.SiloPort == options.GatewayPort)
        {
            errors.Add(S, nameof(SiloHostOptions.GatewayPort), $"must differ from {S}:{nameof(SiloHostOptions.SiloPort)} ({options.SiloPort}).");
            gatewayPortValid = false;
        }

        if (!string.IsNullOrWhiteSpace(options.PrimarySilo))
        {
            if (redis.Value.Enabled)
            {
                errors.Add(S, nameof(SiloHostOptions.PrimarySilo), "applies only without Redis; with Redis every silo finds the others there. Remove it.");
            }
            else if (!TryParseEndPoint(options.PrimarySilo))
            {
                errors.Add(S, nameof(SiloHostOptions.PrimarySilo), $"'{options.PrimarySilo}' is not host:port of a silo port, e.g. 127.0.0.1:11111.");
            }
        }

        // Checked here, not left to Orleans' bind error, so that a second silo on a machine is told which switch to change.
        if (listenValid)
        {
            if (siloPortValid && InUse(listen!, options.SiloPort))
            {
                errors.Add(S, nameof(SiloHostOptions.SiloPort), $"{options.SiloPort} is already in use on {listen}; another silo may run here: pick another port.");
            }

            if (gatewayPortValid && InUse(listen!, options.GatewayPort))
            {
                errors.Add(S, nameof(SiloHostOptions.GatewayPort), $"{options.GatewayPort} is already in use on {listen}; another silo may run here: pick another port.");
            }
        }

        return errors.Result();
    }

    private static bool CheckPort(SettingErrors errors, string name, int port)
    {
        errors.Check(port is >= 1 and <= 65535, S, name, $"must be from 1 to 65535; it is {port}.");
        return port is >= 1 and <= 65535;
    }

    private static bool Resolves(string host)
    {
        try
        {
            SiloEndpoints.Resolve(host);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private static bool TryParseEndPoint(string text)
    {
        try
        {
            return SiloEndpoints.ParseEndPoint(text) is not null;
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private static bool InUse(IPAddress address, int port)
    {
        try
        {
            var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            // Another failure (e.g. an address this machine does not have) is Orleans' to report when it binds.
            return false;
        }
    }
}
