namespace OrleansCache.Grains.Interfaces;

/// <summary>The answer to <see cref="ICacheEntryGrain.WaitForFillAsync"/>.</summary>
public sealed record FillResult(FillOutcome Outcome, CacheEntry? Entry, string? Error)
{
    /// <summary>Ask again.</summary>
    public static readonly FillResult Retry = new(FillOutcome.Retry, null, null);
}
