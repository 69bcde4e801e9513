using System.Globalization;
using System.Text.Json;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Watching;

/// <summary>An invalidation, or a resynchronization (with its reason), as it arrived.</summary>
internal sealed record WatchEvent(DateTimeOffset At, CacheInvalidationKind Kind, string? Target, CacheVersion? Version, string? Reason)
{
    /// <summary>The local time of day it arrived, to the millisecond.</summary>
    public string Clock => At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary><c>key</c>, <c>pattern</c>, <c>tag</c>, <c>all</c> or <c>resync</c>, as text and JSON name it.</summary>
    public string KindName => JsonNamingPolicy.CamelCase.ConvertName(Kind.ToString());

    /// <summary>Key invalidations outside the prefix are not shown (a client also hears of keys it wrote itself).</summary>
    public bool IsShownFor(string prefix) => Kind != CacheInvalidationKind.Key || Target!.StartsWith(prefix, StringComparison.Ordinal);
}
