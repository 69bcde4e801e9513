using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Redis.Connection;
using OrleansCache.Redis.Diagnostics;
using StackExchange.Redis;

namespace OrleansCache.Redis.Storage;

/// <summary>
/// Cache entries in Redis: an acknowledged write survives the owning silo's crash (G7), entries carry their TTL into
/// Redis, activations are ordered and fenced by epochs Redis issues (G1, G2), and pattern and tag lookups walk Redis in
/// bounded batches. Same contract and semantics as the in-memory <c>CacheStoreGrain</c> (floor, fence retention, expiry).
/// </summary>
/// <remarks>
/// <para>
/// Why not Orleans' <c>AddRedisGrainStorage</c>: it has one TTL per provider (refreshed on every write), not one per
/// entry; its ETags are random Guids, not drawn from a sequence that also orders activations; it has no fencing, so a
/// change from an activation older than the key's newest reader is accepted while its ETag matches; and it keeps no tag
/// index, so "invalidate by tag" would have to read every entry.
/// </para>
/// <para>
/// Epochs (era 0) and ETags come from one sequence per cluster, <c>max(INCR, server clock in µs)</c>: strictly
/// increasing, and restarting above everything issued before if Redis loses the counter. Each claim makes its epoch the
/// key's fence; a write or delete is refused if the fence is newer than the writer or the ETag is not the current one.
/// </para>
/// <para>
/// Fences and the floor (the choice): a key's fence lives as long as its entry and <see cref="RedisCacheOptions.FenceRetention"/>
/// beyond (for good while the entry has no expiry), so a stored value is never unfenced. Redis cannot say when a fence
/// expired, so the floor is a time rather than a key raised as fences go: with no fence left, a change is accepted only
/// from an activation that claimed the key within the retention. Any fence that expired was last set at least that long
/// ago, by an activation that claimed no later, and epochs are clock readings, so every activation it fenced out is
/// below the floor too. As in memory, an activation idle past the retention with no entry stored gets a conflict on
/// its next change, deactivates, and the call goes to a new activation. Assumes Redis' clock does not step back by more
/// than the gaps between claims; Redis without persistence that loses its data forgets fences (see ADR 0044).
/// </para>
/// <para>Needs a single Redis primary (scripts touch several keys, so not Redis Cluster) of version 6.2 or later.</para>
/// </remarks>
internal sealed partial class RedisCacheEntryStorage : ICacheEntryStorage
{
    private const int BatchSize = 256;

    private readonly RedisConnection _redis;
    private readonly RedisStorageKeys _keys;
    private readonly RedisMetrics _metrics;
    private readonly ILogger _logger;
    private readonly long _retentionMs;

    public RedisCacheEntryStorage(RedisConnection redis, IOptions<RedisCacheOptions> options, RedisMetrics metrics, ILogger<RedisCacheEntryStorage> logger)
    {
        _redis = redis;
        _keys = new RedisStorageKeys(redis.KeyPrefix);
        _metrics = metrics;
        _logger = logger;
        _retentionMs = Math.Max(1, (long)options.Value.FenceRetention.TotalMilliseconds);
    }

    public async Task<CacheEntryClaim> ClaimAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var result = (RedisResult[])(await _redis.RunAsync(
            db => db.ScriptEvaluateAsync(RedisStorageScripts.Claim, [_keys.Sequence, _keys.Entry(key), _keys.Fence(key)], [_retentionMs]),
            cancellationToken).ConfigureAwait(false))!;
        var epoch = new ActivationEpoch(0, ParseLong((string)result[0]!));
        var fields = (RedisResult[])result[1]!;
        if (fields.Length == 0)
        {
            return new CacheEntryClaim(epoch, null, null);
        }

        var entry = StoredEntryFields.Read(fields, out var etag);
        return new CacheEntryClaim(epoch, entry, etag);
    }

    public async Task<string> WriteAsync(string key, StoredCacheEntry entry, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(entry);
        CacheInputRules.ValidateTags(entry.Tags, nameof(entry));
        CheckEra(key, writer);
        var expires = entry.ExpiresAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        RedisKey[] keys = [_keys.Sequence, _keys.Entry(key), _keys.Fence(key), .. entry.Tags.Distinct(StringComparer.Ordinal).Select(_keys.Tag)];
        RedisValue[] args =
        [
            expectedETag ?? string.Empty,
            writer.Sequence,
            _retentionMs,
            entry.Value,
            StoredEntryFields.FormatVersion(entry.Version),
            expires,
            string.Join(',', entry.Tags),
            key,
            _keys.TagPrefix,
        ];
        var result = (RedisResult[])(await _redis.RunAsync(db => db.ScriptEvaluateAsync(RedisStorageScripts.Write, keys, args), cancellationToken).ConfigureAwait(false))!;
        EnsureAdmitted(key, writer, result);
        return (string)result[1]!;
    }

    public async Task DeleteAsync(string key, string? expectedETag, ActivationEpoch writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckEra(key, writer);
        RedisValue[] args = [expectedETag ?? string.Empty, writer.Sequence, _retentionMs, key, _keys.TagPrefix];
        var result = (RedisResult[])(await _redis.RunAsync(
            db => db.ScriptEvaluateAsync(RedisStorageScripts.Delete, [_keys.Sequence, _keys.Entry(key), _keys.Fence(key)], args),
            cancellationToken).ConfigureAwait(false))!;
        EnsureAdmitted(key, writer, result);
    }

    public async IAsyncEnumerable<string> FindKeysByPatternAsync(string pattern, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var match = RedisGlob.Build(_keys.EntryPrefix, pattern);
        var cursor = "0";
        do
        {
            // SCAN, never KEYS: each step walks a bounded part of the keyspace, so Redis keeps serving everyone else.
            var page = (RedisResult[])(await _redis.RunAsync(db => db.ExecuteAsync("SCAN", cursor, "MATCH", match, "COUNT", BatchSize), cancellationToken).ConfigureAwait(false))!;
            cursor = (string)page[0]!;
            foreach (var redisKey in (RedisResult[])page[1]!)
            {
                var key = ((string)redisKey!)[_keys.EntryPrefix.Length..];
                if (GlobPattern.IsMatch(pattern, key))
                {
                    yield return key;
                }
            }
        }
        while (cursor != "0");
    }

    public async IAsyncEnumerable<string> FindKeysByTagAsync(string tag, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RedisKey[] keys = [_keys.Tag(tag)];
        var cursor = "0";
        do
        {
            var page = (RedisResult[])(await _redis.RunAsync(
                db => db.ScriptEvaluateAsync(RedisStorageScripts.ScanTag, keys, [cursor, BatchSize, _keys.EntryPrefix, tag]),
                cancellationToken).ConfigureAwait(false))!;
            cursor = (string)page[0]!;
            foreach (var member in (RedisResult[])page[1]!)
            {
                yield return (string)member!;
            }
        }
        while (cursor != "0");
    }

    /// <summary>Returns if the script admitted the change; otherwise counts, logs and throws the conflict.</summary>
    private void EnsureAdmitted(string key, ActivationEpoch writer, RedisResult[] result)
    {
        if ((long)result[0] == 1)
        {
            return;
        }

        var reason = (string)result[1]!;
        _metrics.StorageConflict(reason);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var shown = UntrustedText.ForLog(key);
            var epoch = writer.ToString();
            LogConflict(_logger, shown, epoch, reason);
        }

        throw new CacheStorageConflictException(reason switch
        {
            "fenced" => $"A newer activation of '{key}' has claimed it; this change from activation {writer} was refused.",
            "floor" => $"'{key}' has no fence left and activation {writer} claimed it longer ago than the fence retention; this change was refused.",
            _ => $"'{key}' was changed since activation {writer} last saw it (its ETag differs); this change was refused.",
        });
    }

    /// <summary>Redis issues era-0 epochs only; an epoch from anywhere else (in-memory storage) cannot be ordered against them.</summary>
    private void CheckEra(string key, ActivationEpoch writer)
    {
        if (writer.Era != 0)
        {
            _metrics.StorageConflict("foreign_epoch");
            throw new CacheStorageConflictException($"Activation epoch {writer} of '{key}' was not issued by Redis storage; this change was refused.");
        }
    }

    private static long ParseLong(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Redis storage refused a change of {Key} from activation {Epoch}: {Reason}")]
    private static partial void LogConflict(ILogger logger, string key, string epoch, string reason);
}
