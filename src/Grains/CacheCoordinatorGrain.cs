using Google.Protobuf;
using Microsoft.Extensions.Options;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Invalidation;
using OrleansCache.Runtime;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Grains;

/// <summary>
/// Operations over many keys. Pattern and tag invalidations run in two steps: first every silo invalidates the matching
/// keys it holds (so their grains have new versions), then the pattern or tag is published to every client, which drops
/// matching copies, including copies of keys no silo holds any more. Never uses a key scan of the whole cluster.
/// </summary>
internal sealed class CacheCoordinatorGrain(SiloMessenger messenger, MembershipService membership, InvalidationPublisher publisher, IOptions<CacheSiloOptions> options) : Grain, ICacheCoordinatorGrain
{
    private static readonly TimeSpan SiloTimeout = TimeSpan.FromMinutes(5);

    public async Task<CacheVersion[]> CheckVersionsAsync(string[] keys)
    {
        ValidateKeys(keys);
        return await ForEachKeyAsync(keys, key => GrainFactory.GetGrain<ICacheEntryGrain>(key).GetVersionAsync());
    }

    public async Task<CacheVersion[]> InvalidateKeysAsync(string[] keys)
    {
        ValidateKeys(keys);
        return await ForEachKeyAsync(keys, key => GrainFactory.GetGrain<ICacheEntryGrain>(key).InvalidateAsync());
    }

    public async Task<long> InvalidatePatternAsync(string pattern)
    {
        CacheInputRules.ValidatePattern(pattern, options.Value.MaxKeyLength);
        var count = await OnEverySiloAsync(CacheIndexTarget.PatternOperation, pattern);
        publisher.PublishPattern(pattern);
        return count;
    }

    public async Task<long> InvalidateTagAsync(string tag)
    {
        CacheInputRules.ValidateTag(tag);
        var count = await OnEverySiloAsync(CacheIndexTarget.TagOperation, tag);
        publisher.PublishTag(tag);
        return count;
    }

    public async Task<long> InvalidateAllAsync()
    {
        var count = await OnEverySiloAsync(CacheIndexTarget.PatternOperation, "*");
        publisher.PublishAll();
        return count;
    }

    private async Task<long> OnEverySiloAsync(string operation, string argument)
    {
        var silos = membership.CurrentView.Snapshot.Entries.Where(e => e.Status is SiloStatus.Active or SiloStatus.ShuttingDown).Select(e => e.Silo);
        var payload = ByteString.CopyFromUtf8(argument);
        var counts = await Task.WhenAll(silos.Select(silo => messenger.RequestAsync(silo, CacheIndexTarget.TargetName, operation, payload, SiloTimeout, CancellationToken.None)));
        return counts.Sum(CacheIndexTarget.ReadCount);
    }

    private async Task<CacheVersion[]> ForEachKeyAsync(string[] keys, Func<string, Task<CacheVersion>> call)
    {
        var results = new CacheVersion[keys.Length];
        await Parallel.ForAsync(0, keys.Length, new ParallelOptions { MaxDegreeOfParallelism = options.Value.InvalidationConcurrency }, async (i, _) => results[i] = await call(keys[i]));
        return results;
    }

    private void ValidateKeys(string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            CacheInputRules.ValidateKey(key, options.Value.MaxKeyLength, nameof(keys));
        }
    }
}
