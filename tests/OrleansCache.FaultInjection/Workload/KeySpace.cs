using System.Globalization;

namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// The keys of a run: <c>grp{g}:{i}</c>, read, written and invalidated by every client, by key and by the pattern
/// <c>grp{g}:*</c>. The first keys of group 0 are the hot keys: the workload picks them half the time, and the
/// runner kills their owner.
/// </summary>
internal sealed class KeySpace(int groups, int keysPerGroup)
{
    public const int HotKeys = 4;

    public IReadOnlyList<string> Keys { get; } =
        [.. Enumerable.Range(0, groups).SelectMany(g => Enumerable.Range(0, keysPerGroup).Select(i => string.Create(CultureInfo.InvariantCulture, $"grp{g}:{i}")))];

    public int Groups { get; } = groups;

    /// <summary>The key whose owner an owner kill targets: the first hot key.</summary>
    public const string HotKeyOwnerProbe = "grp0:0";

    public string Pick(Random random) => random.Next(2) == 0 ? Keys[random.Next(Math.Min(HotKeys, Keys.Count))] : Keys[random.Next(Keys.Count)];

    public static string PatternOf(int group) => string.Create(CultureInfo.InvariantCulture, $"grp{group}:*");

    /// <summary>Patterns here are a prefix and <c>*</c>.</summary>
    public static bool Matches(string pattern, string key) => key.StartsWith(pattern.TrimEnd('*'), StringComparison.Ordinal);
}
