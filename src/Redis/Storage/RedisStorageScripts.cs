namespace OrleansCache.Redis.Storage;

/// <summary>
/// The Lua scripts of Redis storage: every check and the change it guards run as one script, atomic on the server.
/// </summary>
/// <remarks>
/// <para>
/// Layout under the key prefix <c>p</c>: <c>p seq</c> is the cluster's sequence (activation epochs and ETags);
/// <c>p entry:{key}</c> a hash (<c>v</c> value, <c>ver</c> version, <c>exp</c> expiry in Unix ms or empty, <c>tags</c>
/// comma-separated, <c>etag</c>), expiring with the entry (<c>PEXPIREAT</c>); <c>p fence:{key}</c> a hash (<c>epoch</c>
/// of the key's latest activation, and <c>etag</c>, the ETag of the entry that activation last stored, remembered after
/// the entry expired); <c>p tag:{tag}</c> the set of keys stored with a tag.
/// </para>
/// <para>
/// Numbers: Redis hands Lua doubles, exact up to 2^53; sequences are Unix microseconds (about 2^51 today). They are
/// formatted with <c>%d</c> before they reach a command, since Redis would otherwise write large ones in exponent form.
/// </para>
/// </remarks>
internal static class RedisStorageScripts
{
    /// <summary>
    /// <c>now_us</c>: the server's clock in microseconds; epochs, the floor and expiry all read this one clock.
    /// <c>next_sequence</c>: strictly increasing, and never below that clock, so a counter lost with Redis' data starts
    /// again above everything issued before, and the floor (a time) compares with epochs.
    /// <c>keep_fence</c>: a fence lives as long as the entry and <c>retention</c> beyond it (for good while the entry has
    /// no expiry), so a stored value is never without its fence.
    /// <c>admit</c>: the fence and ETag checks of a change, or the reason it is refused.
    /// </summary>
    private const string Functions = """
        local function now_us()
            local t = redis.call('TIME')
            return tonumber(t[1]) * 1000000 + tonumber(t[2])
        end

        local function next_sequence(counter, now)
            local n = redis.call('INCR', counter)
            if n < now then
                n = now
                redis.call('SET', counter, string.format('%d', n))
            end
            return n
        end

        local function keep_fence(fence, exp_ms, now, retention_ms)
            if not exp_ms then
                redis.call('PEXPIRE', fence, retention_ms)
            elseif exp_ms == '' then
                redis.call('PERSIST', fence)
            else
                local deadline = math.max(tonumber(exp_ms), math.floor(now / 1000)) + tonumber(retention_ms)
                redis.call('PEXPIREAT', fence, string.format('%d', deadline))
            end
        end

        local function admit(entry, fence, writer, expected, now, retention_ms)
            local epoch = redis.call('HGET', fence, 'epoch')
            if epoch then
                if tonumber(epoch) > writer then return 'fenced' end
            elseif writer < now - tonumber(retention_ms) * 1000 then
                return 'floor'
            end
            local current = redis.call('HGET', entry, 'etag')
            if not current then current = redis.call('HGET', fence, 'etag') end
            if expected == '' then expected = false end
            if current ~= expected then return 'etag' end
            return nil
        end

        local function untag(entry, member, tag_prefix, keep)
            local tags = redis.call('HGET', entry, 'tags')
            if not tags then return end
            for tag in string.gmatch(tags, '[^,]+') do
                local set = tag_prefix .. tag
                if not keep[set] then redis.call('SREM', set, member) end
            end
        end

        local function index_tag(set, member, exp_ms, now)
            local existed = redis.call('EXISTS', set)
            redis.call('SADD', set, member)
            if exp_ms == '' then
                redis.call('PERSIST', set)
            else
                local pttl = redis.call('PTTL', set)
                if existed == 0 or (pttl >= 0 and math.floor(now / 1000) + pttl < tonumber(exp_ms)) then
                    redis.call('PEXPIREAT', set, exp_ms)
                end
            end
        end

        """;

    /// <summary>
    /// KEYS: sequence, entry, fence. ARGV: retention (ms). Issues a new epoch, makes it the key's fence, and returns it
    /// with the entry's fields. A claim of a key without an entry forgets an expired entry's ETag, as in-memory storage does.
    /// </summary>
    public const string Claim = Functions + """
        local now = now_us()
        local epoch = string.format('%d', next_sequence(KEYS[1], now))
        local exp = redis.call('HGET', KEYS[2], 'exp')
        redis.call('HSET', KEYS[3], 'epoch', epoch)
        if not exp then redis.call('HDEL', KEYS[3], 'etag') end
        keep_fence(KEYS[3], exp, now, ARGV[1])
        return {epoch, redis.call('HGETALL', KEYS[2])}
        """;

    /// <summary>
    /// KEYS: sequence, entry, fence, then the set of each tag the entry carries. ARGV: expected ETag ('' = none), writer
    /// epoch, retention (ms), value, version, expiry (Unix ms or ''), tags (comma-separated), cache key, tag-set prefix.
    /// Returns {1, new ETag} or {0, reason}.
    /// </summary>
    public const string Write = Functions + """
        local now = now_us()
        local refused = admit(KEYS[2], KEYS[3], tonumber(ARGV[2]), ARGV[1], now, ARGV[3])
        if refused then return {0, refused} end
        local etag = string.format('%d', next_sequence(KEYS[1], now))
        local keep = {}
        for i = 4, #KEYS do keep[KEYS[i]] = true end
        untag(KEYS[2], ARGV[8], ARGV[9], keep)
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[2], 'v', ARGV[4], 'ver', ARGV[5], 'exp', ARGV[6], 'tags', ARGV[7], 'etag', etag)
        if ARGV[6] ~= '' then redis.call('PEXPIREAT', KEYS[2], ARGV[6]) end
        for i = 4, #KEYS do index_tag(KEYS[i], ARGV[8], ARGV[6], now) end
        redis.call('HSET', KEYS[3], 'epoch', ARGV[2], 'etag', etag)
        keep_fence(KEYS[3], ARGV[6], now, ARGV[3])
        return {1, etag}
        """;

    /// <summary>
    /// KEYS: sequence, entry, fence. ARGV: expected ETag ('' = none), writer epoch, retention (ms), cache key, tag-set
    /// prefix. Returns {1, ''} or {0, reason}.
    /// </summary>
    public const string Delete = Functions + """
        local now = now_us()
        local refused = admit(KEYS[2], KEYS[3], tonumber(ARGV[2]), ARGV[1], now, ARGV[3])
        if refused then return {0, refused} end
        untag(KEYS[2], ARGV[4], ARGV[5], {})
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[3], 'epoch', ARGV[2])
        redis.call('HDEL', KEYS[3], 'etag')
        keep_fence(KEYS[3], false, now, ARGV[3])
        return {1, ''}
        """;

    /// <summary>
    /// KEYS: a tag's set. ARGV: cursor, batch size, entry-key prefix, tag. One <c>SSCAN</c> step: returns {next cursor,
    /// members that still carry the tag}, and removes the members that do not (deleted, expired or re-tagged entries).
    /// </summary>
    public const string ScanTag = """
        local page = redis.call('SSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
        local live = {}
        for _, member in ipairs(page[2]) do
            local tags = redis.call('HGET', ARGV[3] .. member, 'tags')
            local carries = false
            if tags then
                for tag in string.gmatch(tags, '[^,]+') do
                    if tag == ARGV[4] then carries = true break end
                end
            end
            if carries then table.insert(live, member) else redis.call('SREM', KEYS[1], member) end
        end
        return {page[1], live}
        """;
}
