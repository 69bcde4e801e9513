namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// Key patterns as in Redis: <c>*</c> matches any run of characters, <c>?</c> exactly one; everything else matches
/// itself. <c>user:123:*</c> matches every key under <c>user:123:</c>.
/// </summary>
public static class GlobPattern
{
    /// <summary>True if <paramref name="key"/> matches <paramref name="pattern"/> (ordinal).</summary>
    public static bool IsMatch(string pattern, string key)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(key);
        // Iterative matching with one backtrack point: linear in practice, never exponential.
        int p = 0, k = 0, star = -1, resume = 0;
        while (k < key.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == key[k]))
            {
                p++;
                k++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = k;
            }
            else if (star >= 0)
            {
                p = star + 1;
                k = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>The literal text before the first wildcard: every matching key starts with it.</summary>
    public static string LiteralPrefix(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var wildcard = pattern.AsSpan().IndexOfAny('*', '?');
        return wildcard < 0 ? pattern : pattern[..wildcard];
    }
}
