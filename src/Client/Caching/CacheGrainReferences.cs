using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>
/// Makes references to the cache's grains for the paths every operation takes. Orleans' <c>GetGrain&lt;T&gt;(key)</c>
/// resolves the grain interface afresh on every call (it formats and parses the interface's type name and reads its
/// attributes): measured, about a quarter of the bytes a cache write allocated, three times per write. Here the entry
/// grain's type and interface are resolved once, by the first such call, and each later reference is made from them;
/// the partitions' feed references and the coordinator's are made once and shared (references are immutable).
/// </summary>
/// <remarks>Nothing is resolved before the first use, so constructing this never touches the grain factory.</remarks>
internal sealed class CacheGrainReferences(IGrainFactory grains)
{
    private readonly IInvalidationFeedGrain?[] _feeds = new IInvalidationFeedGrain?[CachePartitions.Count];
    private EntryGrainType? _entryType;
    private ICacheCoordinatorGrain? _coordinator;

    public IGrainFactory Factory => grains;

    public ICacheEntryGrain Entry(string key)
    {
        if (Volatile.Read(ref _entryType) is { } resolved)
        {
            return (ICacheEntryGrain)grains.GetGrain(GrainId.Create(resolved.Type, key), resolved.Interface);
        }

        var reference = grains.GetGrain<ICacheEntryGrain>(key);
        if (reference is GrainReference made)
        {
            Volatile.Write(ref _entryType, new EntryGrainType(made.GrainId.Type, made.InterfaceType));
        }

        return reference;
    }

    /// <summary>The feed of <paramref name="partition"/> (0 to <see cref="CachePartitions.Count"/> - 1).</summary>
    public IInvalidationFeedGrain Feed(int partition) =>
        Volatile.Read(ref _feeds[partition]) ?? Publish(ref _feeds[partition], grains.GetGrain<IInvalidationFeedGrain>(partition));

    /// <summary>The feed of <paramref name="key"/>'s partition.</summary>
    public IInvalidationFeedGrain FeedOf(string key) => Feed(CachePartitions.Of(key));

    public ICacheCoordinatorGrain Coordinator() =>
        Volatile.Read(ref _coordinator) ?? Publish(ref _coordinator, grains.GetGrain<ICacheCoordinatorGrain>(0));

    // Two threads may both make a reference; either is as good as the other, so the last one written stays.
    private static T Publish<T>(ref T? field, T reference)
        where T : class
    {
        Volatile.Write(ref field, reference);
        return reference;
    }

    private sealed record EntryGrainType(GrainType Type, GrainInterfaceType Interface);
}
