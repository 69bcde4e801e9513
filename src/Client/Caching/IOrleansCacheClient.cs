namespace OrleansCache.Client;

/// <summary>A cache client that owns its cluster connection: the cache, plus connecting and disposing.</summary>
public interface IOrleansCacheClient : IOrleansCache, IAsyncDisposable
{
    /// <summary>The grain-level client underneath, for grain calls the typed cache does not cover.</summary>
    IClusterClient Cluster { get; }
}
