using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Connection;
using OrleansCache.Runtime;
using StackExchange.Redis;

namespace OrleansCache.Redis.Storage;

/// <summary>
/// Cache entries in Redis: an acknowledged write survives the owning silo's crash (G7), and entries carry their TTL
/// into Redis, which expires them too. Writes and deletes are compare-and-set on an ETag drawn from one counter per
/// cluster, and fenced by the epoch of the newest activation that read the key (docs/adr/0041), so a stale activation is
/// refused (G1) even if its change reaches Redis long after it was sent.
/// </summary>
/// <remarks>
/// Keys: <c>{prefix}entry:{key}</c> is a hash (<c>v</c> value, <c>ver</c> version, <c>exp</c> expiry in Unix ms,
/// <c>tags</c> JSON, <c>etag</c>); <c>{prefix}tag:{tag}</c> is the set of entry keys carrying a tag (cleaned lazily);
/// <c>{prefix}etagseq</c> is the ETag counter; <c>{prefix}fence:{key}</c> is the epoch (<c>era.sequence</c>) of the
/// newest activation that read or changed the key, kept for 10 minutes after its last use. Pattern lookups use
/// <c>SCAN</c> in bounded batches, never <c>KEYS</c>. Every check and change is one Lua script, atomic on the server.
/// <para>
/// Known edge: if Redis loses its data (restart without persistence) while two activations of one key exist, the
/// counter and the fences start over, so the stale activation's old ETag could match a new entry once. Run Redis with
/// persistence where that matters; the membership side of the same data loss is handled (silos rejoin, versions never
/// go back).
/// </para>
/// </remarks>
internal sealed class RedisCacheEntryStorage(RedisConnection redis) : ICacheEntryStorage
{
    private const int BatchSize = 256;

    /// <summary>
    /// How long a key's fence outlives the last read or change that set it. A change can reach Redis long after its
    /// activation sent it (a silo cut off by a partition sends it when the link heals); while the fence is kept, such a
    /// change from an activation older than the key's newest one is refused. Long enough for any partition a silo
    /// survives, short enough that a cache touching many keys does not fill Redis with fences (one small string per key
    /// used in the last 10 minutes).
    /// </summary>
    private const long FenceRetentionMs = 10 * 60 * 1000;

    // Returns true if the fence in KEYS[fenceKey] belongs to an activation newer than (ARGV[eraArg], ARGV[eraArg + 1]).
    private const string FencedOut = """
        local function fenced_out(fence_key, era, sequence)
            local fence = redis.call('GET', fence_key)
            if not fence then return false end
            local fence_era, fence_sequence = string.match(fence, '^(%d+)%.(%d+)$')
            fence_era, fence_sequence = tonumber(fence_era), tonumber(fence_sequence)
            era, sequence = tonumber(era), tonumber(sequence)
            return fence_era > era or (fence_era == era and fence_sequence > sequence)
        end
        """;

    // KEYS: entry, fence; ARGV: claimant era, claimant sequence, fence lifetime (ms).
    private const string ReadScript = FencedOut + "\n" + """
        if fenced_out(KEYS[2], ARGV[1], ARGV[2]) then return {'fenced', redis.call('GET', KEYS[2])} end
        redis.call('SET', KEYS[2], ARGV[1] .. '.' .. ARGV[2], 'PX', ARGV[3])
        return {'ok', redis.call('HGETALL', KEYS[1])}
        """;

    // KEYS: entry, etag counter, fence, tag sets...; ARGV: expected etag ('' = none), value, version, expiry ('' =
    // none), tags json, writer era, writer sequence, fence lifetime (ms). An absent entry takes any expected ETag: the
    // entry expired (its owner may write), or a newer activation deleted it, and that one's fence refuses this write.
    private const string WriteScript = FencedOut + "\n" + """
        if fenced_out(KEYS[3], ARGV[6], ARGV[7]) then return -1 end
        local current = redis.call('HGET', KEYS[1], 'etag')
        if current and current ~= ARGV[1] then return -1 end
        local etag = redis.call('INCR', KEYS[2])
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'ver', ARGV[3], 'exp', ARGV[4], 'tags', ARGV[5], 'etag', etag)
        if ARGV[4] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
        for i = 4, #KEYS do redis.call('SADD', KEYS[i], KEYS[1]) end
        redis.call('SET', KEYS[3], ARGV[6] .. '.' .. ARGV[7], 'PX', ARGV[8])
        return etag
        """;

    // KEYS: entry, fence; ARGV: expected etag ('' = none), writer era, writer sequence, fence lifetime (ms).
    private const string DeleteScript = FencedOut + "\n" + """
        if fenced_out(KEYS[2], ARGV[2], ARGV[3]) then return -1 end
        local current = redis.call('HGET', KEYS[1], 'etag')
        if current and current ~= ARGV[1] then return -1 end
        redis.call('DEL', KEYS[1])
        redis.call('SET', KEYS[2], ARGV[2] .. '.' .. ARGV[3], 'PX', ARGV[4])
        return 1
        """;

    private const string ScanScript = """
        local result = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
        return result
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string EntryPrefix => redis.KeyPrefix + "entry:";

    public async Task<StoredCacheEntry?> ReadAsync(string key, ActivationEpoch claimant, CancellationToken cancellationToken = default)
    {
        var result = (RedisResult[])(await redis.RunAsync(
            db => db.ScriptEvaluateAsync(ReadScript, [EntryKey(key), FenceKey(key)], [claimant.MembershipVersion, claimant.Sequence, FenceRetentionMs]),
            cancellationToken).ConfigureAwait(false))!;
        if ((string?)result[0] == "fenced")
        {
            throw new CacheStorageConflictException($"'{key}' was claimed by a newer activation (epoch {(string?)result[1]}) than this one ({claimant}); this one is stale.");
        }

        var fields = (RedisResult[])result[1]!;
        if (fields.Length == 0)
        {
            return null;
        }

        var values = new Dictionary<string, RedisResult>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            values[(string)fields[i]!] = fields[i + 1];
        }

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

    public async Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        RedisKey[] keys = [EntryKey(key), redis.KeyPrefix + "etagseq", FenceKey(key), .. entry.Tags.Select(TagKey)];
        RedisValue[] args =
        [
            expectedETag ?? string.Empty,
            entry.Value,
            FormatVersion(entry.Version),
            entry.ExpiresAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            JsonSerializer.Serialize(entry.Tags, Json),
            writer.MembershipVersion,
            writer.Sequence,
            FenceRetentionMs,
        ];
        var result = (long)await redis.RunAsync(db => db.ScriptEvaluateAsync(WriteScript, keys, args), cancellationToken).ConfigureAwait(false);
        return result < 0
            ? throw new CacheStorageConflictException($"'{key}' was written or claimed by another activation than this one ({writer}); this one is stale.")
            : result.ToString(CultureInfo.InvariantCulture);
    }

    public async Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        // Expecting nothing is checked too: an activation that believes the key missing while storage holds an entry is
        // stale (another wrote it), and its "invalidated" would leave that entry in place (found by the fault-injection
        // runner: a bridge stream message, acknowledged after a stale activation's no-op delete, was never applied).
        var result = (long)await redis.RunAsync(
            db => db.ScriptEvaluateAsync(DeleteScript, [EntryKey(key), FenceKey(key)], [expectedETag ?? string.Empty, writer.MembershipVersion, writer.Sequence, FenceRetentionMs]),
            cancellationToken).ConfigureAwait(false);
        if (result < 0)
        {
            throw new CacheStorageConflictException($"'{key}' was written or claimed by another activation than this one ({writer}); this one is stale.");
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

    private RedisKey FenceKey(string key) => redis.KeyPrefix + "fence:" + key;

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
