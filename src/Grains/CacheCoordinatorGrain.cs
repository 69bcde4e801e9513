using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Bulk;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Storage;

namespace OrleansCache.Grains;

/// <summary>
/// Operations over many keys. A pattern, tag or "all" invalidation first invalidates, through their grains, the matching
/// keys that storage holds (and, for patterns and "all", the live activations, which may hold a fill in progress), so
/// each gets a new version; then it sends the pattern or tag itself to every feed, so clients drop matching copies of
/// keys nothing holds any more (<see cref="BulkInvalidation"/>, shared with <see cref="BulkInvalidationGrain"/>, which
/// reports progress while doing the same). Never a blocking scan of the whole store.
/// </summary>
[GrainType(CacheGrainTypes.CoordinatorName), StatelessWorker, Reentrant]
internal sealed class CacheCoordinatorGrain(ICacheEntryStorage storage, InvalidationPublisher publisher, CacheGrainReferences references, IOptions<CacheSiloOptions> options) : Grain, ICacheCoordinatorGrain
{
    private readonly CacheSiloOptions _options = options.Value;

    public Task<CacheVersion[]> CheckVersionsAsync(string[] keys, Guid tracker)
    {
        ValidateKeys(keys);
        return ForEachKeyAsync(keys, key => Entry(key).GetVersionAsync(tracker));
    }

    public Task<CacheVersion[]> InvalidateKeysAsync(string[] keys)
    {
        ValidateKeys(keys);
        return ForEachKeyAsync(keys, key => Entry(key).InvalidateAsync());
    }

    public async Task<long> InvalidatePatternAsync(string pattern)
    {
        var bulk = Bulk();
        return await bulk.RunAsync(await bulk.PlanPatternAsync(pattern));
    }

    public async Task<long> InvalidateTagAsync(string tag)
    {
        var bulk = Bulk();
        return await bulk.RunAsync(await bulk.PlanTagAsync(tag));
    }

    public async Task<long> InvalidateAllAsync()
    {
        var bulk = Bulk();
        return await bulk.RunAsync(await bulk.PlanAllAsync());
    }

    private BulkInvalidation Bulk() => new(storage, publisher, _options, references);

    private async Task<CacheVersion[]> ForEachKeyAsync(string[] keys, Func<string, Task<CacheVersion>> call)
    {
        var results = new CacheVersion[keys.Length];
        await Parallel.ForAsync(0, keys.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.InvalidationConcurrency, TaskScheduler = TaskScheduler.Current }, async (i, _) => results[i] = await call(keys[i]));
        return results;
    }

    private void ValidateKeys(string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            CacheInputRules.ValidateKey(key, _options.MaxKeyLength, nameof(keys));
        }
    }

    private ICacheEntryGrain Entry(string key) => references.Entry(key);
}
