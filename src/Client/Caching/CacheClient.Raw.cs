using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>
/// The byte-level seam for adapters that serialize values themselves (OrleansCache.Hybrid, whose serializers are
/// per type): the same paths as the typed API (near-cache, fill tickets, the key's lease), with a per-call
/// <see cref="NearCachePolicy"/>. Keys are checked before anything is sent.
/// </summary>
internal sealed partial class CacheClient
{
    /// <summary>The options this client runs with (adapters check keys against the same limits).</summary>
    internal OrleansCacheClientOptions Options => _options;

    /// <summary>
    /// <see cref="GetOrCreateAsync{T}"/> on bytes: the value of <paramref name="key"/>, or on a miss the bytes
    /// <paramref name="factory"/> makes, once in the whole cluster.
    /// </summary>
    internal async Task<byte[]> GetOrCreateBytesAsync(string key, Func<CancellationToken, Task<byte[]>> factory, CacheWriteOptions write, NearCachePolicy policy, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Read && _near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return cached.Bytes;
        }

        _metrics.Miss();
        var result = await GetOrCreateSharedAsync(
            key,
            async ct =>
            {
                var bytes = await factory(ct).ConfigureAwait(false) ?? throw new InvalidOperationException("The value factory returned no bytes.");
                CheckSize(bytes);
                return new CreatedValue(null, bytes);
            },
            write,
            policy,
            cancellationToken).ConfigureAwait(false);
        return result.Bytes;
    }

    /// <summary>The bytes of <paramref name="key"/>, or null: from the near-cache if the policy reads it, else from the key's grain.</summary>
    internal async ValueTask<byte[]?> TryGetBytesAsync(string key, NearCachePolicy policy, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Read && _near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return cached.Bytes;
        }

        _metrics.Miss();
        if (policy == NearCachePolicy.Default)
        {
            return (await ReadRemoteAsync(key, cancellationToken).ConfigureAwait(false)).Value;
        }

        // A read with its own policy does not share the reads in flight, whose results follow the default one.
        var ticket = BeginFill(key, policy);
        try
        {
            var tracker = await TrackerAsync(ticket, cancellationToken).ConfigureAwait(false);
            var entry = await IdempotentAsync(() => Entry(key).GetAsync(tracker), cancellationToken).ConfigureAwait(false);
            CompleteFill(ticket, entry);
            return entry.Found ? entry.Value : null;
        }
        catch
        {
            _near.AbandonFill(ticket);
            throw;
        }
    }

    /// <summary>The bytes of <paramref name="key"/> if the near-cache holds a current copy (nothing is sent).</summary>
    internal bool TryGetLocalBytes(string key, out byte[] bytes)
    {
        ValidateKey(key);
        if (_near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            bytes = cached.Bytes;
            return true;
        }

        bytes = [];
        return false;
    }

    /// <summary>Stores bytes with <paramref name="write"/>'s TTL and tags, keeping a local copy as <paramref name="policy"/> says.</summary>
    internal Task<CacheVersion> SetBytesAsync(string key, byte[] value, CacheWriteOptions write, NearCachePolicy policy, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(policy);
        CheckSize(value);
        return SetBytesCoreAsync(key, value, write, null, policy, cancellationToken);
    }
}
