using System.Text.RegularExpressions;
using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>
/// The silo flags the README shows for the bridge, read from README.md itself (the block marked
/// <c>redis-bridge-flags</c>) so the process tests start silos exactly as a reader would.
/// </summary>
internal static partial class ReadmeBridgeFlags
{
    /// <summary>The README's switch that turns the bridge on (its example command).</summary>
    public static readonly string[] Switch = ["--redis-bridge", "true"];

    /// <summary>
    /// <c>--redis-bridge true</c> and the README's flags, as the shell splits them, with the Redis address replaced by
    /// <paramref name="connectionString"/> and each <c>--Key=value</c> named in <paramref name="overrides"/> set to
    /// the value given (added when the README does not have it).
    /// </summary>
    public static string[] For(string connectionString, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var values = new Dictionary<string, string>(overrides ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["Redis:ConnectionString"] = connectionString,
        };
        var flags = new List<string>(Switch);
        foreach (var flag in Read())
        {
            var name = flag.Split('=', 2)[0][2..];
            flags.Add(values.Remove(name, out var value) ? $"--{name}={value}" : flag);
        }

        flags.AddRange(values.Select(v => $"--{v.Key}={v.Value}"));
        return [.. flags];
    }

    /// <summary>The value the README's block gives <paramref name="key"/> (e.g. <c>RedisBridge:StreamKey</c>).</summary>
    public static string Value(string key) =>
        ValueOrNull(key) ?? throw new InvalidOperationException($"The README's bridge flags do not set {key}.");

    /// <summary>The value the README's block gives <paramref name="key"/>, or null if it does not set it.</summary>
    public static string? ValueOrNull(string key) =>
        Read().Select(f => f.Split('=', 2)).SingleOrDefault(f => f[0] == $"--{key}")?[1];

    /// <summary>The flags of the README's block, unchanged.</summary>
    public static string[] Read()
    {
        var readme = File.ReadAllText(Path.Combine(BuiltAssemblies.RepositoryRoot(), "README.md"));
        var block = Block().Match(readme);
        if (!block.Success)
        {
            throw new InvalidOperationException("README.md has no redis-bridge-flags block.");
        }

        return block.Groups["flags"].Value.Split([' ', '\n', '\\'], StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"<!-- redis-bridge-flags[^>]*-->\s*```bash\n(?<flags>.*?)```", RegexOptions.Singleline, 1000)]
    private static partial Regex Block();
}
