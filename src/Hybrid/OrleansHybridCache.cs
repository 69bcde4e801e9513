using Microsoft.Extensions.Caching.Hybrid;
using OrleansCache.Client.Caching;
using OrleansCache.Hybrid.Options;
using OrleansCache.Hybrid.Serialization;

namespace OrleansCache.Hybrid;

/// <summary>
/// <see cref="HybridCache"/> over the coherent cache: the near-cache is HybridCache's local tier and the cluster its
/// distributed one, so a change made through any instance reaches every instance's local copy, and a miss runs the
/// factory once in the whole cluster.
/// </summary>
/// <remarks>
/// Keys, tags and expirations are checked before anything is sent: what OrleansCache rejects throws
/// <see cref="ArgumentException"/> (HybridCache's own implementation would skip the cache instead). How each entry
/// option and flag maps is in <c>docs/hybridcache.md</c>. Values are deserialized for each call, so callers never share
/// a mutable instance, except the caller whose factory made the value, which gets that instance.
/// </remarks>
internal sealed class OrleansHybridCache(CacheClient cache, HybridSerializers serializers, HybridCacheOptions options) : HybridCache
{
    /// <summary>HybridCache's tag meaning "every entry".</summary>
    private const string AllTag = "*";

    public override async ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var plan = Plan(key, options, tags);
        cancellationToken.ThrowIfCancellationRequested();
        if (plan.UsesLease)
        {
            // The caller whose factory ran gets the value it made; the others (here or elsewhere) its bytes.
            var made = default(T);
            var ran = false;
            var bytes = await cache.GetOrCreateBytesAsync(
                key,
                async ct =>
                {
                    made = await factory(state, ct).ConfigureAwait(false);
                    ran = true;
                    return serializers.Serialize(made);
                },
                plan.Write,
                plan.Near,
                cancellationToken).ConfigureAwait(false);
            return ran ? made! : serializers.Deserialize<T>(bytes);
        }

        var found = await ReadAsync(key, plan, cancellationToken).ConfigureAwait(false);
        if (found is not null)
        {
            return serializers.Deserialize<T>(found);
        }

        if (plan.Has(HybridCacheEntryFlags.DisableUnderlyingData))
        {
            return default!;
        }

        var value = await factory(state, cancellationToken).ConfigureAwait(false);
        if (!plan.Has(HybridCacheEntryFlags.DisableDistributedCacheWrite))
        {
            await cache.SetBytesAsync(key, serializers.Serialize(value), plan.Write, plan.Near, cancellationToken).ConfigureAwait(false);
        }

        return value;
    }

    public override async ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        var plan = Plan(key, options, tags);
        if (plan.Has(HybridCacheEntryFlags.DisableDistributedCacheWrite))
        {
            throw new NotSupportedException(
                "OrleansCache cannot store a value in one instance only: local copies are kept coherent by the cluster, so a value the cluster does not hold " +
                "could not be invalidated. Remove HybridCacheEntryFlags.DisableDistributedCacheWrite from this SetAsync.");
        }

        await cache.SetBytesAsync(key, serializers.Serialize(value), plan.Write, plan.Near, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        new(cache.InvalidateAsync(key, cancellationToken));

    public override ValueTask RemoveAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        keys is null ? default : new(cache.InvalidateAsync(keys, cancellationToken));

    public override ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        // HybridCache ignores a blank tag: nothing sensible to remove.
        if (string.IsNullOrWhiteSpace(tag))
        {
            return default;
        }

        return tag == AllTag
            ? new(cache.InvalidateAllAsync(cancellationToken))
            : new(cache.InvalidateByTagAsync(tag, cancellationToken));
    }

    public override async ValueTask RemoveByTagAsync(IEnumerable<string> tags, CancellationToken cancellationToken = default)
    {
        if (tags is null)
        {
            return;
        }

        var distinct = tags.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Contains(AllTag, StringComparer.Ordinal))
        {
            await cache.InvalidateAllAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // Every tag is checked before the first is sent, so a bad one removes nothing.
        foreach (var tag in distinct)
        {
            Grains.Interfaces.CacheInputRules.ValidateTag(tag, nameof(tags));
        }

        foreach (var tag in distinct)
        {
            await cache.InvalidateByTagAsync(tag, cancellationToken).ConfigureAwait(false);
        }
    }

    private EntryPlan Plan(string key, HybridCacheEntryOptions? entryOptions, IEnumerable<string>? tags) =>
        EntryPlan.For(key, entryOptions, tags, options.DefaultEntryOptions, cache.Options.MaxKeyLength);

    /// <summary>A read that honours the flags: the cluster unless it may not be read, then the near-cache alone unless that may not be read either.</summary>
    private async ValueTask<byte[]?> ReadAsync(string key, EntryPlan plan, CancellationToken cancellationToken)
    {
        if (!plan.Has(HybridCacheEntryFlags.DisableDistributedCacheRead))
        {
            return await cache.TryGetBytesAsync(key, plan.Near, cancellationToken).ConfigureAwait(false);
        }

        return plan.Near.Read && cache.TryGetLocalBytes(key, out var bytes) ? bytes : null;
    }
}
