using OrleansCache.Client.Caching;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;

namespace OrleansCache.Grains.Bulk;

/// <summary>
/// The work of a pattern, tag or "all" invalidation, shared by the coordinator (which returns only the count) and the
/// bulk invalidation grain (which reports progress): collect the keys (storage's, and for patterns and "all" the live
/// activations, which may hold a fill in progress), invalidate each through its grain so it gets a new version, then
/// send the pattern, tag or "all" itself to every feed. Never a blocking scan of the whole store.
/// </summary>
/// <remarks>Made by a grain for one call: its grain calls run on that grain's scheduler.</remarks>
internal sealed class BulkInvalidation(ICacheEntryStorage storage, InvalidationPublisher publisher, CacheSiloOptions options, CacheGrainReferences grains)
{
    public async Task<BulkInvalidationPlan> PlanPatternAsync(string pattern)
    {
        CacheInputRules.ValidatePattern(pattern, options.MaxKeyLength);
        if (MatchesEverything(pattern))
        {
            // "*" flushes everything: an explicit, documented choice that configuration can refuse.
            if (!options.AllowMatchAllPattern)
            {
                throw new ArgumentException($"The pattern '{pattern}' matches every key, and this cluster refuses that (Cache:AllowMatchAllPattern is false); invalidate everything explicitly instead.", nameof(pattern));
            }

            return await PlanAllAsync();
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

        return new BulkInvalidationPlan(keys, stored, Invalidation.ForPattern(pattern));
    }

    public async Task<BulkInvalidationPlan> PlanTagAsync(string tag)
    {
        CacheInputRules.ValidateTag(tag);
        var keys = await CollectAsync(storage.FindKeysByTagAsync(tag));
        return new BulkInvalidationPlan(keys, keys.Count, Invalidation.ForTag(tag));
    }

    public async Task<BulkInvalidationPlan> PlanAllAsync()
    {
        var keys = await CollectAsync(storage.FindKeysByPatternAsync("*"));
        var stored = keys.Count;
        keys.UnionWith(await ActiveKeysAsync());
        return new BulkInvalidationPlan(keys, stored, Invalidation.ForAll());
    }

    /// <summary>
    /// Invalidates every key of <paramref name="plan"/> (calling <paramref name="invalidated"/> after each), then sends
    /// its invalidation to every feed; returns the count of keys that held a value.
    /// </summary>
    public async Task<long> RunAsync(BulkInvalidationPlan plan, Action<string>? invalidated = null)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.InvalidationConcurrency, TaskScheduler = TaskScheduler.Current };
        await Parallel.ForEachAsync(plan.Keys, parallel, async (key, _) =>
        {
            await grains.Entry(key).InvalidateAsync();
            invalidated?.Invoke(key);
        });
        await publisher.PublishAsync(plan.Published);
        return plan.Stored;
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
        var active = await grains.Factory.GetGrain<IManagementGrain>(0).GetActiveGrains(CacheGrainTypes.Entry);
        return active.Select(g => g.Key.ToString()!);
    }
}
