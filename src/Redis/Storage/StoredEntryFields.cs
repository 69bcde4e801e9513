using System.Globalization;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using StackExchange.Redis;

namespace OrleansCache.Redis.Storage;

/// <summary>Reads and writes the fields of an entry's hash (see <see cref="RedisStorageScripts"/>).</summary>
internal static class StoredEntryFields
{
    /// <summary>The entry in a flat <c>HGETALL</c> reply, and its ETag.</summary>
    public static StoredCacheEntry Read(RedisResult[] fields, out string etag)
    {
        byte[]? value = null;
        string? version = null, expires = null, tags = null;
        etag = string.Empty;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var field = fields[i + 1];
            switch ((string)fields[i]!)
            {
                case "v":
                    value = (byte[])field!;
                    break;
                case "ver":
                    version = (string?)field;
                    break;
                case "exp":
                    expires = (string?)field;
                    break;
                case "tags":
                    tags = (string?)field;
                    break;
                case "etag":
                    etag = (string)field!;
                    break;
            }
        }

        return new StoredCacheEntry(
            value ?? [],
            ParseVersion(version ?? "0.0.0"),
            string.IsNullOrEmpty(expires) ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            string.IsNullOrEmpty(tags) ? [] : tags.Split(','));
    }

    public static string FormatVersion(CacheVersion version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version.Era}.{version.Activation}.{version.Change}");

    public static CacheVersion ParseVersion(string text)
    {
        Span<Range> parts = stackalloc Range[4];
        if (text.AsSpan().Split(parts, '.') != 3)
        {
            throw new FormatException($"A stored cache version has three parts; '{text}' does not.");
        }

        return new CacheVersion(Parse(text, parts[0]), Parse(text, parts[1]), Parse(text, parts[2]));
    }

    private static long Parse(string text, Range part) =>
        long.Parse(text.AsSpan()[part], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
