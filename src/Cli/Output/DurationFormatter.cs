using System.Globalization;

namespace OrleansCache.Cli.Output;

/// <summary>Writes durations the way <see cref="Parsing.DurationParser"/> reads them.</summary>
internal static class DurationFormatter
{
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1_000 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.#}ms"),
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#}s"),
        { TotalMinutes: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.#}m"),
        { TotalHours: < 24 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0.#}h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalDays:0.#}d"),
    };
}
