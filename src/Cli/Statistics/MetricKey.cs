namespace OrleansCache.Cli.Statistics;

/// <summary>
/// A metric's key in a silo's report: the instrument's name and its tags, written <c>name{key=value,key=value}</c>
/// (just <c>name</c> without tags), e.g. <c>orleanscache.cache.reads{result=hit}</c>.
/// </summary>
internal sealed record MetricKey(string Name, IReadOnlyDictionary<string, string> Tags)
{
    public static MetricKey Parse(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open < 0 || !key.EndsWith('}'))
        {
            return new MetricKey(key, new Dictionary<string, string>(StringComparer.Ordinal));
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in key[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                tags[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return new MetricKey(key[..open], tags);
    }

    /// <summary>True for the instrument <paramref name="name"/>, with <paramref name="tag"/> = <paramref name="value"/> if a tag is given.</summary>
    public bool Is(string name, string? tag = null, string? value = null) =>
        string.Equals(Name, name, StringComparison.Ordinal)
        && (tag is null || (Tags.TryGetValue(tag, out var actual) && string.Equals(actual, value, StringComparison.Ordinal)));
}
