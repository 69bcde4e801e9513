namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// The bulk invalidations of <see cref="ICacheCoordinatorGrain"/> (pattern, tag, all), doing the same work but
/// reporting progress while they run: per silo, keys invalidated out of keys to invalidate, then the final count.
/// One grain per operation: call it with a new <see cref="Guid"/> key each time (the stream's state lives in that
/// activation, which a stateless worker such as the coordinator cannot promise between calls).
/// </summary>
/// <remarks>
/// The invalidation runs to its end even if the caller stops reading the stream (as an unanswered coordinator call
/// does): stopping the stream stops the reports, not the work.
/// </remarks>
[Alias("oc.IBulkInvalidationGrain")]
public interface IBulkInvalidationGrain : IGrainWithGuidKey
{
    /// <summary>Invalidates every key matching a glob pattern (<c>*</c> and <c>?</c>), reporting progress.</summary>
    [Alias("InvalidatePattern")]
    IAsyncEnumerable<BulkInvalidationProgress> InvalidatePatternAsync(string pattern);

    /// <summary>Invalidates every key carrying <paramref name="tag"/>, reporting progress.</summary>
    [Alias("InvalidateTag")]
    IAsyncEnumerable<BulkInvalidationProgress> InvalidateTagAsync(string tag);

    /// <summary>Invalidates every key, reporting progress.</summary>
    [Alias("InvalidateAll")]
    IAsyncEnumerable<BulkInvalidationProgress> InvalidateAllAsync();
}
