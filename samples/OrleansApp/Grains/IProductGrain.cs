using OrleansCache.Samples.OrleansApp.Catalog;

namespace OrleansCache.Samples.OrleansApp.Grains;

/// <summary>One product, by id.</summary>
[Alias("samples.IProductGrain")]
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>The product, or null when the catalog has none with this id.</summary>
    [Alias("Get")]
    Task<Product?> GetAsync();

    /// <summary>Changes the product's price; every app's cached copy follows.</summary>
    [Alias("SetPrice")]
    Task<Product?> SetPriceAsync(decimal price);
}
