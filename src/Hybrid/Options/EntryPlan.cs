using Microsoft.Extensions.Caching.Hybrid;
using OrleansCache.Client.Caching;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Hybrid.Options;

/// <summary>
/// What one HybridCache call does in OrleansCache terms: the cluster write (TTL, tags), the near-cache policy, and the
/// flags that choose the path. Built, and every input checked, before anything is sent.
/// </summary>
internal sealed record EntryPlan(CacheWriteOptions Write, NearCachePolicy Near, HybridCacheEntryFlags Flags)
{
    /// <summary>HybridCache's own default for <see cref="HybridCacheEntryOptions.Expiration"/>, kept so switching changes no lifetime.</summary>
    public static readonly TimeSpan DefaultExpiration = TimeSpan.FromMinutes(5);

    /// <summary>Whether the call has <paramref name="flag"/> (any of them, if several).</summary>
    public bool Has(HybridCacheEntryFlags flag) => (Flags & flag) != 0;

    /// <summary>
    /// Whether the call can take the cluster-wide get-or-create (the key's lease): only when it both reads and writes
    /// the cluster and may run the factory.
    /// </summary>
    public bool UsesLease => !Has(HybridCacheEntryFlags.DisableDistributedCacheRead | HybridCacheEntryFlags.DisableDistributedCacheWrite | HybridCacheEntryFlags.DisableUnderlyingData);

    /// <summary>
    /// The plan of a call, with HybridCache's precedence: each of flags and expiration comes from the call's options if
    /// they set it, else from the defaults; a call's <see cref="HybridCacheEntryOptions.Expiration"/> also sets its local
    /// expiration unless that is given too. No local expiration: the near-cache's own limit (and the cluster TTL).
    /// </summary>
    /// <exception cref="ArgumentException">The key, a tag or an expiration is not accepted by OrleansCache.</exception>
    public static EntryPlan For(string key, HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryOptions? defaults, int maxKeyLength)
    {
        CacheInputRules.ValidateKey(key, maxKeyLength);
        var flags = options?.Flags ?? defaults?.Flags ?? HybridCacheEntryFlags.None;
        var expiration = options?.Expiration ?? defaults?.Expiration ?? DefaultExpiration;
        var local = (options is not null ? options.LocalCacheExpiration ?? options.Expiration : null) ?? defaults?.LocalCacheExpiration ?? defaults?.Expiration;
        if (local is { } l && l <= TimeSpan.Zero)
        {
            throw new ArgumentException("A local cache expiration must be positive; use HybridCacheEntryFlags.DisableLocalCacheWrite to keep no local copy.", nameof(options));
        }

        var tagArray = tags is null ? [] : tags.Distinct(StringComparer.Ordinal).ToArray();
        var write = CacheClient.CheckedWriteOptions(expiration, tagArray, tagArray.Length > 0 ? nameof(tags) : nameof(options));
        var near = new NearCachePolicy(
            Read: (flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0,
            Write: (flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0,
            Ttl: local);
        return new EntryPlan(write, near, flags);
    }
}
