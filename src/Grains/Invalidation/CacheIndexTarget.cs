using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Runtime.Activation;
using OrleansCache.Runtime.Placement;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Grains.Invalidation;

/// <summary>
/// Each silo's part of a pattern or tag invalidation: finds the matching keys this silo holds (its storage, and its live
/// cache-entry activations, which may be filling) and invalidates each through its grain, in bounded batches.
/// </summary>
internal sealed class CacheIndexTarget(ICacheEntryStorage storage, Catalog catalog, GrainOwnership ownership, IServiceProvider services, IOptions<CacheSiloOptions> options) : ISystemTarget
{
    public const string TargetName = "cache-index";
    public const string PatternOperation = "pattern";
    public const string TagOperation = "tag";

    public string Name => TargetName;

    public async Task<ByteString> HandleAsync(string operation, ByteString payload, CancellationToken cancellationToken)
    {
        var argument = payload.ToStringUtf8();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var stored = 0L;
        switch (operation)
        {
            case PatternOperation:
                await foreach (var key in storage.FindKeysByPatternAsync(argument, cancellationToken).ConfigureAwait(false))
                {
                    stored += OwnedHere(key) && keys.Add(key) ? 1 : 0;
                }

                // Live activations hold fills in progress that must be voided too.
                foreach (var grain in catalog.ActiveGrains)
                {
                    if (string.Equals(grain.Type, CacheGrainTypes.CacheEntry, StringComparison.Ordinal) && GlobPattern.IsMatch(argument, grain.Key))
                    {
                        keys.Add(grain.Key);
                    }
                }

                break;
            case TagOperation:
                await foreach (var key in storage.FindKeysByTagAsync(argument, cancellationToken).ConfigureAwait(false))
                {
                    stored += OwnedHere(key) && keys.Add(key) ? 1 : 0;
                }

                break;
            default:
                throw new ArgumentException($"Unknown cache index operation '{operation}'.", nameof(operation));
        }

        // Resolved here, not injected: the grain factory depends (through the router) on the silo messenger, which holds this target.
        var grains = services.GetRequiredService<IGrainFactory>();
        await Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.InvalidationConcurrency, CancellationToken = cancellationToken },
            async (key, _) => await grains.GetGrain<ICacheEntryGrain>(key).InvalidateAsync().ConfigureAwait(false)).ConfigureAwait(false);

        var count = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(count, stored);
        return UnsafeByteOperations.UnsafeWrap(count);
    }

    /// <summary>Shared storage (Redis) shows every silo every key: each silo takes only the keys it owns.</summary>
    private bool OwnedHere(string key) => ownership.IsLocal(new GrainId(CacheGrainTypes.CacheEntry, key));

    public static long ReadCount(ByteString result) => BinaryPrimitives.ReadInt64LittleEndian(result.Span);
}
