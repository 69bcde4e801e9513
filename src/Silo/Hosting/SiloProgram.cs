using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansCache.Silo.Hosting;

/// <summary>The executable's entry: help, argument checks, the host's run, and exit codes.</summary>
internal static class SiloProgram
{
    public const int Stopped = 0;
    public const int Failed = 1;
    public const int ConfigurationError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        if (SiloCommandLine.WantsHelp(args))
        {
            await Console.Out.WriteAsync(SiloCommandLine.Help()).ConfigureAwait(false);
            return Stopped;
        }

        if (SiloCommandLine.FindUnknownArgument(args) is { } unknown)
        {
            await Console.Error.WriteLineAsync($"error: {unknown}").ConfigureAwait(false);
            return ConfigurationError;
        }

        try
        {
            using var host = SiloHost.Build(args);

            // Validated before the host starts, which would otherwise log each failure with a stack trace first.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.RunAsync().ConfigureAwait(false);
            return Stopped;
        }
        catch (Exception ex) when (ConfigurationErrors.Describe(ex) is { } lines)
        {
            // One line per setting that cannot work, without a stack trace: the message is the whole story.
            foreach (var line in lines)
            {
                await Console.Error.WriteLineAsync($"error: {line}").ConfigureAwait(false);
            }

            return ConfigurationError;
        }
        catch (Exception ex) when (RedisStartFailure.TypeOf(ex) is { } failure)
        {
            // Orleans has logged the details; this line says which setting to look at.
            await Console.Error.WriteLineAsync($"error: {SiloCommandLine.Describe("Redis:ConnectionString")}: Redis cannot be reached ({failure}); check the address, Redis:User and Redis:Password.").ConfigureAwait(false);
            return Failed;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"error: the silo failed: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return Failed;
        }
    }
}
