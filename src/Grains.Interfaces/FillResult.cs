namespace OrleansCache.Grains.Interfaces;

/// <summary>The answer to <see cref="ICacheEntryGrain.WaitForFillAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("oc.FillResult")]
public sealed record FillResult(
    [property: Id(0)] FillOutcome Outcome,
    [property: Id(1)] CacheEntry? Entry,
    [property: Id(2)] string? Error)
{
    /// <summary>Ask again.</summary>
    public static readonly FillResult Retry = new(FillOutcome.Retry, null, null);
}
