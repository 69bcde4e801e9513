using OrleansCache.Core.Membership;
using OrleansCache.Redis.Client;
using OrleansCache.Redis.Connection;
using StackExchange.Redis;

namespace OrleansCache.Redis.Membership;

/// <summary>
/// The membership table in one Redis hash per cluster, so silo processes on many machines form one cluster.
/// Every change is a Lua script (atomic on the server): inserts and compare-and-set updates, never read-modify-write
/// from the client.
/// </summary>
/// <remarks>
/// Hash fields: <c>version</c> (table version), <c>etagseq</c> (ETag source), and per silo <c>row:S</c> (JSON: name,
/// gateway, status, start time), <c>etag:S</c>, <c>hbc:S</c> (heartbeat count) and <c>hbt:S</c> (alive time, Unix ms).
/// Heartbeats touch only <c>hbc</c>/<c>hbt</c>, so they never make a status change fail.
/// </remarks>
internal sealed class RedisMembershipTable(RedisConnection redis) : IMembershipTable
{
    private const string InsertScript = """
        if redis.call('HEXISTS', KEYS[1], 'row:' .. ARGV[1]) == 1 then return 0 end
        local etag = redis.call('HINCRBY', KEYS[1], 'etagseq', 1)
        redis.call('HSET', KEYS[1], 'row:' .. ARGV[1], ARGV[2], 'etag:' .. ARGV[1], etag, 'hbc:' .. ARGV[1], 0, 'hbt:' .. ARGV[1], ARGV[3])
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        return 1
        """;

    private const string UpdateScript = """
        local current = redis.call('HGET', KEYS[1], 'etag:' .. ARGV[1])
        if (not current) or current ~= ARGV[3] then return 0 end
        local etag = redis.call('HINCRBY', KEYS[1], 'etagseq', 1)
        redis.call('HSET', KEYS[1], 'row:' .. ARGV[1], ARGV[2], 'etag:' .. ARGV[1], etag)
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        return 1
        """;

    private const string HeartbeatScript = """
        if redis.call('HEXISTS', KEYS[1], 'row:' .. ARGV[1]) == 0 then return 0 end
        redis.call('HINCRBY', KEYS[1], 'hbc:' .. ARGV[1], 1)
        redis.call('HSET', KEYS[1], 'hbt:' .. ARGV[1], ARGV[2])
        return 1
        """;

    private const string DeleteScript = """
        local current = redis.call('HGET', KEYS[1], 'etag:' .. ARGV[1])
        if (not current) or current ~= ARGV[2] then return 0 end
        redis.call('HDEL', KEYS[1], 'row:' .. ARGV[1], 'etag:' .. ARGV[1], 'hbc:' .. ARGV[1], 'hbt:' .. ARGV[1])
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        return 1
        """;

    private const string EnsureVersionScript = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
        if current < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'version', ARGV[1]) end
        return 1
        """;

    private RedisKey Hash => RedisMembershipLayout.Hash(redis.KeyPrefix);

    public async Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var fields = await redis.RunAsync(db => db.HashGetAllAsync(Hash), cancellationToken).ConfigureAwait(false);
        return RedisMembershipLayout.Parse(fields);
    }

    public async Task<bool> TryInsertAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var result = await redis.RunAsync(
            db => db.ScriptEvaluateAsync(InsertScript, [Hash], [entry.Silo.ToString(), RowJson(entry), entry.IAmAliveTime.ToUnixTimeMilliseconds()]),
            cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async Task<bool> TryUpdateAsync(MembershipEntry entry, string expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var result = await redis.RunAsync(
            db => db.ScriptEvaluateAsync(UpdateScript, [Hash], [entry.Silo.ToString(), RowJson(entry), expectedETag]),
            cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async Task<bool> HeartbeatAsync(SiloAddress silo, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var result = await redis.RunAsync(
            db => db.ScriptEvaluateAsync(HeartbeatScript, [Hash], [silo.ToString(), now.ToUnixTimeMilliseconds()]),
            cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        var snapshot = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var entry in snapshot.Entries.Where(e => e.Status == SiloStatus.Dead && e.IAmAliveTime < olderThan))
        {
            var result = await redis.RunAsync(
                db => db.ScriptEvaluateAsync(DeleteScript, [Hash], [entry.Silo.ToString(), entry.ETag]),
                cancellationToken).ConfigureAwait(false);
            deleted += (int)(long)result;
        }

        return deleted;
    }

    public async Task EnsureVersionAtLeastAsync(long version, CancellationToken cancellationToken = default) =>
        await redis.RunAsync(db => db.ScriptEvaluateAsync(EnsureVersionScript, [Hash], [version]), cancellationToken).ConfigureAwait(false);

    private static string RowJson(MembershipEntry entry) => RedisMembershipLayout.RowJson(entry);
}
