using Microsoft.Extensions.Options;

namespace OrleansCache.Silo.Hosting;

/// <summary>Recognizes exceptions that mean "a setting cannot work", and their one-line messages.</summary>
internal static class ConfigurationErrors
{
    /// <summary>The lines to print if <paramref name="exception"/> is a configuration error; null otherwise.</summary>
    /// <remarks>
    /// Validators of the libraries (the cache, Redis) name a setting by its key (<c>Redis:ConnectionString ...</c>);
    /// the executable adds the switch that sets it, so every line reads the same.
    /// </remarks>
    public static IReadOnlyList<string>? Describe(Exception exception)
    {
        var lines = new List<string>();
        Collect(exception, lines);
        return lines.Count > 0 ? [.. lines.Select(WithSwitch).Distinct(StringComparer.Ordinal)] : null;
    }

    private static string WithSwitch(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || line.AsSpan(space).StartsWith(" (--", StringComparison.Ordinal))
        {
            return line;
        }

        var key = line[..space];
        var described = SiloCommandLine.Describe(key);
        return described == key ? line : described + line[space..];
    }

    private static void Collect(Exception exception, List<string> lines)
    {
        switch (exception)
        {
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                break;
            case OptionsValidationException validation:
                lines.AddRange(validation.Failures);
                break;
            case OrleansConfigurationException orleans:
                lines.Add(orleans.Message);
                break;

            // The configuration binder: "Failed to convert configuration value at 'Silo:SiloPort' to type 'System.Int32'".
            case InvalidOperationException { InnerException: not null } binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                lines.Add(binding.Message);
                break;
        }
    }
}
