namespace OrleansCache.Grains;

/// <summary>The cache's grain type names: part of the wire contract, stable across renames of the classes.</summary>
internal static class CacheGrainTypes
{
    public const string EntryName = "oc-entry";
    public const string FeedName = "oc-feed";
    public const string StoreName = "oc-store";
    public const string CoordinatorName = "oc-coordinator";
    public const string SiloStatsName = "oc-silo-stats";
    public const string ClusterName = "oc-cluster";
    public const string BulkInvalidationName = "oc-bulk-invalidation";

    public static readonly GrainType Entry = GrainType.Create(EntryName);
}
