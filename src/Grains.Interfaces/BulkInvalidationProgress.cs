namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// What a bulk invalidation (pattern, tag or all) reports while it works (<see cref="IBulkInvalidationGrain"/>): first
/// with no silos while it collects the keys, then each silo's keys invalidated so far, and last, with
/// <see cref="Count"/> set, the same count <see cref="ICacheCoordinatorGrain"/>'s methods return.
/// </summary>
/// <param name="Silos">Per silo that hosts keys of the invalidation, by address; empty while the keys are being collected.</param>
/// <param name="Count">Set once everything is done (keys invalidated and the invalidation sent to every feed): how many keys held a value.</param>
[GenerateSerializer, Immutable, Alias("oc.BulkInvalidationProgress")]
public sealed record BulkInvalidationProgress(
    [property: Id(0)] IReadOnlyList<SiloInvalidationProgress> Silos,
    [property: Id(1)] long? Count)
{
    /// <summary>Keys invalidated so far, on every silo.</summary>
    public long Done => Silos.Sum(s => s.Done);

    /// <summary>Keys to invalidate, on every silo (0 while they are being collected).</summary>
    public long Total => Silos.Sum(s => s.Total);

    /// <summary>True for the last report, which carries <see cref="Count"/>.</summary>
    public bool IsCompleted => Count is not null;
}
