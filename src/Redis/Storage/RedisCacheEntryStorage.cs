using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Connection;
using StackExchange.Redis;

namespace OrleansCache.Redis.Storage;

/// <summary>
/// Cache entries in Redis: an acknowledged write survives the owning silo's crash (G7), and entries carry their TTL
/// into Redis, which expires them too. Writes and deletes are compare-and-set on an ETag drawn from one counter per
/// cluster, so a stale duplicate activation is refused (G1) even if the key was deleted and written again meanwhile.
/// </summary>
/// <remarks>
/// Keys: <c>{prefix}entry:{key}</c> is a hash (<c>v</c> value, <c>ver</c> version, <c>exp</c> expiry in Unix ms,
/// <c>tags</c> JSON, <c>etag</c>); <c>{prefix}tag:{tag}</c> is the set of entry keys carrying a tag (cleaned lazily);
/// <c>{prefix}etagseq</c> is the ETag counter; <c>{prefix}deleted:{key}</c> keeps a deleted entry's last ETag for 10
/// minutes, so a late write from an activation that knew the entry before the delete is refused. Pattern lookups use <c>SCAN</c> in bounded batches, never <c>KEYS</c>.
/// <para>
/// Known edge: if Redis loses its data (restart without persistence) while two activations of one key exist, the
/// counter starts over, so the stale activation's old ETag could match a new entry once. Run Redis with persistence
/// where that matters; the membership side of the same data loss is handled (silos rejoin, versions never go back).
/// </para>
/// </remarks>
internal sealed class RedisCacheEntryStorage(RedisConnection redis) : ICacheEntryStorage
{
    private const int BatchSize = 256;

    /// <summary>
    /// How long a deleted entry's last ETag is kept. A write can reach Redis long after its activation gave up on it (a
    /// silo cut off by a partition sends it when the link heals); while the deleted ETag is kept, such a write to the
    /// deleted key is refused (docs/adr/0038). Long enough for any partition a silo survives, short enough that a cache
    /// with many deletes does not fill Redis with markers (one small string per deleted key).
    /// </summary>
    private const long DeletedETagRetentionMs = 10 * 60 * 1000;

    // KEYS: entry, etag counter, deleted-etag marker, tag sets...; ARGV: expected etag ('' = none), value, version,
    // expiry ('' = none), tags json. ETags come from one counter, so an ETag not above the deleted one is older than
    // the delete: its writer is stale.
    private const string WriteScript = """
        local current = redis.call('HGET', KEYS[1], 'etag')
        if current then
            if current ~= ARGV[1] then return -1 end
        elseif ARGV[1] ~= '' then
            local deleted = redis.call('GET', KEYS[3])
            if deleted and tonumber(ARGV[1]) <= tonumber(deleted) then return -1 end
        end
        local etag = redis.call('INCR', KEYS[2])
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'ver', ARGV[3], 'exp', ARGV[4], 'tags', ARGV[5], 'etag', etag)
        if ARGV[4] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
        for i = 4, #KEYS do redis.call('SADD', KEYS[i], KEYS[1]) end
        return etag
        """;

    // KEYS: entry, deleted-etag marker; ARGV: expected etag, marker lifetime (ms).
    private const string DeleteScript = """
        local current = redis.call('HGET', KEYS[1], 'etag')
        if not current then return 1 end
        if current ~= ARGV[1] then return -1 end
        redis.call('DEL', KEYS[1])
        redis.call('SET', KEYS[2], current, 'PX', ARGV[2])
        return 1
        """;

    private const string ScanScript = """
        local result = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
        return result
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string EntryPrefix => redis.KeyPrefix + "entry:";

    public async Task<StoredCacheEntry?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var fields = await redis.RunAsync(db => db.HashGetAllAsync(EntryKey(key)), cancellationToken).ConfigureAwait(false);
        if (fields.Length == 0)
        {
            return null;
        }

        var values = fields.ToDictionary(f => (string)f.Name!, f => f.Value, StringComparer.Ordinal);
        var expires = (string?)values.GetValueOrDefault("exp");
        return new StoredCacheEntry(
            (byte[])values["v"]!,
            ParseVersion((string)values["ver"]!),
            string.IsNullOrEmpty(expires) ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(expires, CultureInfo.InvariantCulture)),
            JsonSerializer.Deserialize<string[]>((string)values["tags"]!, Json) ?? [])
        {
            ETag = (string)values["etag"]!,
        };
    }

    public async Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        RedisKey[] keys = [EntryKey(key), redis.KeyPrefix + "etagseq", DeletedKey(key), .. entry.Tags.Select(TagKey)];
        RedisValue[] args =
        [
            expectedETag ?? string.Empty,
            entry.Value,
            FormatVersion(entry.Version),
            entry.ExpiresAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            JsonSerializer.Serialize(entry.Tags, Json),
        ];
        var result = (long)await redis.RunAsync(db => db.ScriptEvaluateAsync(WriteScript, keys, args), cancellationToken).ConfigureAwait(false);
        return result < 0
            ? throw new CacheStorageConflictException($"'{key}' was written by another activation; this one is stale.")
            : result.ToString(CultureInfo.InvariantCulture);
    }

    public async Task DeleteAsync(string key, string? expectedETag, CancellationToken cancellationToken = default)
    {
        if (expectedETag is null)
        {
            return;
        }

        var result = (long)await redis.RunAsync(db => db.ScriptEvaluateAsync(DeleteScript, [EntryKey(key), DeletedKey(key)], [expectedETag, DeletedETagRetentionMs]), cancellationToken).ConfigureAwait(false);
        if (result < 0)
        {
            throw new CacheStorageConflictException($"'{key}' was written by another activation; this one is stale.");
        }
    }

    public async IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var match = EscapeGlob(EntryPrefix) + pattern;
        var cursor = "0";
        do
        {
            var page = (RedisResult[])(await redis.RunAsync(db => db.ScriptEvaluateAsync(ScanScript, [], [cursor, match, BatchSize]), cancellationToken).ConfigureAwait(false))!;
            cursor = (string)page[0]!;
            foreach (var key in (RedisKey[])page[1]!)
            {
                yield return ((string)key!)[EntryPrefix.Length..];
            }
        }
        while (cursor != "0");
    }

    public async IAsyncEnumerable<string> FindKeysByTagAsync(string tag, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var set = TagKey(tag);
        var members = await redis.RunAsync(db => db.SetMembersAsync(set), cancellationToken).ConfigureAwait(false);
        foreach (var batch in members.Chunk(BatchSize))
        {
            var exists = await redis.RunAsync(db => Task.WhenAll(batch.Select(m => db.KeyExistsAsync((string)m!))), cancellationToken).ConfigureAwait(false);
            var gone = batch.Where((_, i) => !exists[i]).ToArray();
            if (gone.Length > 0)
            {
                // Expired or deleted entries leave their tag sets lazily.
                await redis.RunAsync(db => db.SetRemoveAsync(set, gone), cancellationToken).ConfigureAwait(false);
            }

            foreach (var member in batch.Where((_, i) => exists[i]))
            {
                yield return ((string)member!)[EntryPrefix.Length..];
            }
        }
    }

    private RedisKey EntryKey(string key) => EntryPrefix + key;

    private RedisKey TagKey(string tag) => redis.KeyPrefix + "tag:" + tag;

    private RedisKey DeletedKey(string key) => redis.KeyPrefix + "deleted:" + key;

    private static string FormatVersion(CacheVersion version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version.Era}.{version.Activation}.{version.Change}");

    private static CacheVersion ParseVersion(string text)
    {
        var parts = text.Split('.');
        return new CacheVersion(
            long.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Escapes Redis glob characters in literal text (the key prefix), so only the pattern's own wildcards match.</summary>
    private static string EscapeGlob(string literal)
    {
        var escaped = new StringBuilder(literal.Length);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
