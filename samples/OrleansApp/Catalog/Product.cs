namespace OrleansCache.Samples.OrleansApp.Catalog;

/// <summary>A product as the API shows it. Orleans serializes it between grains; the cache stores it as JSON.</summary>
[GenerateSerializer]
[Immutable]
[Alias("samples.Product")]
public sealed record Product([property: Id(0)] string Id, [property: Id(1)] string Name, [property: Id(2)] decimal Price);
