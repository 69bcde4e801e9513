using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Storage;

namespace OrleansCache.Grains;

/// <summary>
/// Operations over many keys. A pattern, tag or "all" invalidation first invalidates, through their grains, the matching
/// keys that storage holds (and, for patterns, the live activations, which may hold a fill in progress), so each gets a
/// new version; then it sends the pattern or tag itself to every feed, so clients drop matching copies of keys nothing
/// holds any more. Never a blocking scan of the whole store.
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
        CacheInputRules.ValidatePattern(pattern, _options.MaxKeyLength);
        if (MatchesEverything(pattern))
        {
            // "*" flushes everything: an explicit, documented choice that configuration can refuse.
            if (!_options.AllowMatchAllPattern)
            {
                throw new ArgumentException($"The pattern '{pattern}' matches every key, and this cluster refuses that (Cache:AllowMatchAllPattern is false); invalidate everything explicitly instead.", nameof(pattern));
            }

            return await InvalidateAllAsync();
        }

        var keys = await CollectAsync(storage.FindKeysByPatternAsync(pattern));
        var stored = keys.Count;
        foreach (var key in await ActiveKeysAsync())
        {
            if (GlobPattern.IsMatch(pattern, key))
            {
                keys.Add(key);
            }
        }

        await InvalidateEachAsync(keys);
        await publisher.PublishAsync(Invalidation.ForPattern(pattern));
        return stored;
    }

    public async Task<long> InvalidateTagAsync(string tag)
    {
        CacheInputRules.ValidateTag(tag);
        var keys = await CollectAsync(storage.FindKeysByTagAsync(tag));
        await InvalidateEachAsync(keys);
        await publisher.PublishAsync(Invalidation.ForTag(tag));
        return keys.Count;
    }

    public async Task<long> InvalidateAllAsync()
    {
        var keys = await CollectAsync(storage.FindKeysByPatternAsync("*"));
        var stored = keys.Count;
        keys.UnionWith(await ActiveKeysAsync());
        await InvalidateEachAsync(keys);
        await publisher.PublishAsync(Invalidation.ForAll());
        return stored;
    }

    /// <summary>True for patterns made only of <c>*</c>: they match every key.</summary>
    internal static bool MatchesEverything(string pattern) => pattern.Length > 0 && pattern.AsSpan().IndexOfAnyExcept('*') < 0;

    private static async Task<HashSet<string>> CollectAsync(IAsyncEnumerable<string> keys)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in keys)
        {
            set.Add(key);
        }

        return set;
    }

    /// <summary>The keys of every live cache-entry activation in the cluster, asked of every silo.</summary>
    private async Task<IEnumerable<string>> ActiveKeysAsync()
    {
        var grains = await GrainFactory.GetGrain<IManagementGrain>(0).GetActiveGrains(CacheGrainTypes.Entry);
        return grains.Select(g => g.Key.ToString()!);
    }

    private Task InvalidateEachAsync(IEnumerable<string> keys) =>
        Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = _options.InvalidationConcurrency, TaskScheduler = TaskScheduler.Current }, async (key, _) => await Entry(key).InvalidateAsync());

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
