using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansCache.Runtime;

/// <summary>Rejects silo settings that cannot work, with messages that name the setting.</summary>
internal sealed class SiloOptionsValidator :
    IValidateOptions<SiloOptions>,
    IValidateOptions<MembershipOptions>,
    IValidateOptions<GrainCollectionOptions>,
    IValidateOptions<SiloMessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add($"{nameof(SiloOptions)}.{nameof(SiloOptions.ClusterId)} must not be empty.");
        }

        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"{nameof(SiloOptions)}.{nameof(SiloOptions.ListenAddress)} '{options.ListenAddress}' is not an IP address.");
        }

        CheckPort(errors, nameof(SiloOptions.SiloPort), options.SiloPort);
        CheckPort(errors, nameof(SiloOptions.GatewayPort), options.GatewayPort);
        if (options.SiloPort != 0 && options.SiloPort == options.GatewayPort)
        {
            errors.Add($"{nameof(SiloOptions)}.{nameof(SiloOptions.SiloPort)} and {nameof(SiloOptions.GatewayPort)} must differ.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, MembershipOptions options)
    {
        var errors = new List<string>();
        if (options.ProbeInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(MembershipOptions)}.{nameof(MembershipOptions.ProbeInterval)} must be positive.");
        }

        if (options.DeathTimeout < 3 * options.ProbeInterval)
        {
            errors.Add($"{nameof(MembershipOptions)}.{nameof(MembershipOptions.DeathTimeout)} ({options.DeathTimeout}) must be at least three {nameof(MembershipOptions.ProbeInterval)}s ({3 * options.ProbeInterval}), or one slow heartbeat kills a healthy silo.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, GrainCollectionOptions options)
    {
        var errors = new List<string>();
        if (options.IdleTimeout <= TimeSpan.Zero || options.CollectionInterval <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(GrainCollectionOptions)}.{nameof(GrainCollectionOptions.IdleTimeout)} and {nameof(GrainCollectionOptions.CollectionInterval)} must be positive.");
        }

        if (options.MaxActivations < 1 || options.MaxQueuedCallsPerActivation < 1)
        {
            errors.Add($"{nameof(GrainCollectionOptions)}.{nameof(GrainCollectionOptions.MaxActivations)} and {nameof(GrainCollectionOptions.MaxQueuedCallsPerActivation)} must be at least 1.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, SiloMessagingOptions options)
    {
        var errors = new List<string>();
        if (options.Connection.MaxFrameBytes < 1024)
        {
            errors.Add($"{nameof(SiloMessagingOptions)}.{nameof(SiloMessagingOptions.Connection)}.MaxFrameBytes must be at least 1024.");
        }

        if (options.CallTimeout <= TimeSpan.Zero || options.ShutdownTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(SiloMessagingOptions)} timeouts must be positive.");
        }

        if (options.MaxForwardHops < 1)
        {
            errors.Add($"{nameof(SiloMessagingOptions)}.{nameof(SiloMessagingOptions.MaxForwardHops)} must be at least 1.");
        }

        return Result(errors);
    }

    private static void CheckPort(List<string> errors, string name, int port)
    {
        if (port is < 0 or > 65535)
        {
            errors.Add($"{nameof(SiloOptions)}.{name} must be from 0 to 65535; it is {port}.");
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
