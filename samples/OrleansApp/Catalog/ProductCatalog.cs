using System.Collections.Concurrent;

namespace OrleansCache.Samples.OrleansApp.Catalog;

/// <summary>
/// Stands in for the application's database: the source of truth the cache saves trips to. It counts its loads, so
/// the effect of the cache is visible at <c>GET /catalog/loads</c>.
/// </summary>
public sealed class ProductCatalog
{
    private readonly ConcurrentDictionary<string, Product> _products = new(StringComparer.Ordinal)
    {
        ["teapot"] = new("teapot", "Teapot", 25.00m),
        ["kettle"] = new("kettle", "Kettle", 40.00m),
        ["mug"] = new("mug", "Mug", 8.50m),
    };

    private long _loads;

    /// <summary>How many times a product was loaded from here.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>Loads a product, or null when there is none with that id.</summary>
    public async Task<Product?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loads);
        // A database round trip takes time; this is what a cache hit saves.
        await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        return _products.GetValueOrDefault(id);
    }

    /// <summary>Stores a product.</summary>
    public void Save(Product product) => _products[product.Id] = product;
}
