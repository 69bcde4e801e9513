namespace OrleansCache.Grains.Interfaces;

/// <summary>How far a bulk invalidation has got with the keys of one silo: those whose partition the silo hosts.</summary>
/// <param name="Silo">The silo's address (<c>SiloAddress.ToParsableString()</c>).</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Done">Keys of this silo invalidated so far.</param>
/// <param name="Total">Keys of this silo to invalidate: stored ones, and (for patterns and "all") live activations.</param>
[GenerateSerializer, Immutable, Alias("oc.SiloInvalidationProgress")]
public sealed record SiloInvalidationProgress(
    [property: Id(0)] string Silo,
    [property: Id(1)] string? Name,
    [property: Id(2)] long Done,
    [property: Id(3)] long Total);
