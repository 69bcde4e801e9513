namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// What the cache accepts as keys, tags and patterns, checked on the client before anything is sent and again on the
/// silo. Violations are <see cref="ArgumentException"/>s that say what is allowed.
/// </summary>
public static class CacheInputRules
{
    /// <summary>The longest tag.</summary>
    public const int MaxTagLength = 256;

    /// <summary>The most tags on one entry.</summary>
    public const int MaxTagsPerEntry = 32;

    /// <exception cref="ArgumentException">The key is empty, longer than <paramref name="maxKeyLength"/>, or has control characters.</exception>
    public static void ValidateKey(string key, int maxKeyLength, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0 || string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("A cache key must not be empty or blank.", paramName);
        }

        if (key.Length > maxKeyLength)
        {
            throw new ArgumentException($"A cache key may be at most {maxKeyLength} characters; this one has {key.Length}.", paramName);
        }

        if (key.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            throw new ArgumentException("A cache key must not contain control characters.", paramName);
        }
    }

    /// <exception cref="ArgumentException">A tag is empty, too long, or uses characters other than letters, digits and <c>:_-./</c>; or there are too many.</exception>
    public static void ValidateTags(IReadOnlyCollection<string> tags, string paramName = "tags")
    {
        ArgumentNullException.ThrowIfNull(tags, paramName);
        if (tags.Count > MaxTagsPerEntry)
        {
            throw new ArgumentException($"An entry may carry at most {MaxTagsPerEntry} tags; it has {tags.Count}.", paramName);
        }

        foreach (var tag in tags)
        {
            ValidateTag(tag, paramName);
        }
    }

    /// <exception cref="ArgumentException">The tag is empty, too long, or uses characters other than letters, digits and <c>:_-./</c>.</exception>
    public static void ValidateTag(string tag, string paramName = "tag")
    {
        ArgumentNullException.ThrowIfNull(tag, paramName);
        if (tag.Length is 0 or > MaxTagLength)
        {
            throw new ArgumentException($"A tag must have 1 to {MaxTagLength} characters; '{Shorten(tag)}' has {tag.Length}.", paramName);
        }

        foreach (var c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not (':' or '_' or '-' or '.' or '/'))
            {
                throw new ArgumentException($"Tag '{Shorten(tag)}' has '{c}'; tags use letters, digits and : _ - . / only.", paramName);
            }
        }
    }

    /// <exception cref="ArgumentException">The pattern is empty, too long, has control characters, or uses <c>[</c> or <c>\</c> (not supported).</exception>
    public static void ValidatePattern(string pattern, int maxKeyLength, string paramName = "pattern")
    {
        ValidateKey(pattern, maxKeyLength, paramName);
        if (pattern.AsSpan().IndexOfAny('[', '\\') >= 0)
        {
            throw new ArgumentException("Patterns support * and ? only; [ and \\ are not supported.", paramName);
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
