using System.Globalization;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// The keys of a run. Regular keys <c>grp{g}:{i}</c> are read, written and invalidated by every client, by key and by
/// the pattern <c>grp{g}:*</c>. Burst keys and bridge keys are fresh each time and touched by nothing else.
/// </summary>
internal sealed class KeySpace(int groups, int keysPerGroup)
{
    public IReadOnlyList<string> Regular { get; } =
        [.. Enumerable.Range(0, groups).SelectMany(g => Enumerable.Range(0, keysPerGroup).Select(i => string.Create(CultureInfo.InvariantCulture, $"grp{g}:{i}")))];

    public int Groups { get; } = groups;

    public static string PatternOf(int group) => string.Create(CultureInfo.InvariantCulture, $"grp{group}:*");

    /// <summary>Patterns here are a prefix and <c>*</c>.</summary>
    public static bool Matches(string pattern, string key) => key.StartsWith(pattern.TrimEnd('*'), StringComparison.Ordinal);

    public static string BurstKey(int burst) => string.Create(CultureInfo.InvariantCulture, $"burst:{burst}");

    /// <summary>The canonical message's entity type and id make <c>bridge:{id}</c>.</summary>
    public static string BridgeKey(int message) => string.Create(CultureInfo.InvariantCulture, $"bridge:{message}");

    /// <summary>The key a typed event for item <paramref name="message"/> names: the typed channel's prefix and the id.</summary>
    public static string TypedKey(int message) => string.Create(CultureInfo.InvariantCulture, $"{Cluster.ClusterProcesses.TypedPrefix}{message}");

    /// <summary>The cache key a keyspace notification invalidates, and the Redis key whose change makes it.</summary>
    public static string KeyspaceKey(int message) => string.Create(CultureInfo.InvariantCulture, $"{Cluster.ClusterProcesses.KeyspacePrefix}{message}");
}
