using System.Text;

namespace OrleansCache.Redis.Storage;

/// <summary>Redis <c>MATCH</c> patterns built from literal text and the cache's own patterns.</summary>
internal static class RedisGlob
{
    /// <summary>
    /// <paramref name="literal"/> (the key prefix) followed by <paramref name="pattern"/>, whose <c>*</c> and <c>?</c>
    /// stay wildcards: every other character Redis would read as glob syntax is escaped, so it matches only itself.
    /// </summary>
    public static string Build(string literal, string pattern)
    {
        var builder = new StringBuilder(literal.Length + pattern.Length + 8);
        Append(builder, literal, keepWildcards: false);
        Append(builder, pattern, keepWildcards: true);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string text, bool keepWildcards)
    {
        foreach (var c in text)
        {
            if (c is '[' or ']' or '\\' || (!keepWildcards && c is '*' or '?'))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }
}
