using OrleansCache.Client;
using OrleansCache.Samples.OrleansApp.Catalog;

namespace OrleansCache.Samples.OrleansApp.Grains;

/// <summary>
/// Reads products through the cache, which <c>siloBuilder.AddOrleansCache()</c> puts in this silo's services. A read
/// goes to the catalog once per miss in the whole cluster; a price change writes the cache, so the copies other apps
/// hold in their near-caches are dropped.
/// </summary>
public sealed class ProductGrain(IOrleansCache cache, ProductCatalog catalog) : Grain, IProductGrain
{
    private static readonly CacheEntryOptions Entry = new() { Ttl = TimeSpan.FromMinutes(10), Tags = ["catalog"] };

    /// <summary>The cache key of a product: other apps read the same key.</summary>
    public static string KeyOf(string id) => $"product:{id}";

    private string Id => this.GetPrimaryKeyString();

    public async Task<Product?> GetAsync() =>
        await cache.GetOrCreateAsync(KeyOf(Id), ct => catalog.LoadAsync(Id, ct), Entry);

    public async Task<Product?> SetPriceAsync(decimal price)
    {
        if (await catalog.LoadAsync(Id, CancellationToken.None) is not { } product)
        {
            return null;
        }

        var changed = product with { Price = price };
        catalog.Save(changed);
        await cache.SetAsync(KeyOf(Id), changed, Entry);
        return changed;
    }
}
