using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using Xunit;

namespace OrleansCache.Redis.Tests.Storage;

/// <summary>What only Redis storage promises: how long fences live, a lost sequence, tag sets that clean up, ACL users.</summary>
public sealed class RedisStorageTests(RedisServer redis) : IAsyncDisposable
{
    private readonly RedisStorageHarness _harness = new(redis, TimeSpan.FromMinutes(10));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fence_OfAnEntryWithoutExpiry_LivesAsLongAsTheEntry_AndRetentionAfterItsDelete()
    {
        var key = $"fence:{Guid.NewGuid():N}";
        var owner = await _harness.Storage.ClaimAsync(key, Token);
        Assert.InRange((await redis.Database.KeyTimeToLiveAsync(_harness.Keys.Fence(key)))!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));

        var etag = await _harness.Storage.WriteAsync(key, Entry(owner, null), null, owner.Epoch, Token);
        Assert.Null(await redis.Database.KeyTimeToLiveAsync(_harness.Keys.Fence(key)));

        await _harness.Storage.DeleteAsync(key, etag, owner.Epoch, Token);
        Assert.InRange((await redis.Database.KeyTimeToLiveAsync(_harness.Keys.Fence(key)))!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Fence_OfAnEntryWithExpiry_OutlivesItByTheRetention()
    {
        var key = $"fence:{Guid.NewGuid():N}";
        var owner = await _harness.Storage.ClaimAsync(key, Token);
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        await _harness.Storage.WriteAsync(key, Entry(owner, expires), null, owner.Epoch, Token);

        var fenceTtl = (await redis.Database.KeyTimeToLiveAsync(_harness.Keys.Fence(key)))!.Value;
        var entryTtl = (await redis.Database.KeyTimeToLiveAsync(_harness.Keys.Entry(key)))!.Value;
        Assert.InRange(fenceTtl - entryTtl, TimeSpan.FromMinutes(9.9), TimeSpan.FromMinutes(10.1));
    }

    [Fact]
    public async Task Claim_AfterTheSequenceWasLost_StillIssuesAGreaterEpoch()
    {
        // Redis without persistence loses its data on a restart: the sequence starts again from the clock, above
        // everything issued before, so versions still only grow (G2) and no old ETag comes back.
        var key = $"seq:{Guid.NewGuid():N}";
        var before = await _harness.Storage.ClaimAsync(key, Token);
        var etag = await _harness.Storage.WriteAsync(key, Entry(before, null), null, before.Epoch, Token);

        await redis.Database.KeyDeleteAsync(_harness.Keys.Sequence);
        var after = await _harness.Storage.ClaimAsync(key, Token);

        Assert.True(after.Epoch > before.Epoch, $"{after.Epoch} is not above {before.Epoch}");
        var next = await _harness.Storage.WriteAsync(key, Entry(after, null), etag, after.Epoch, Token);
        Assert.True(long.Parse(next, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TagSet_LetsGoOfDeletedAndRetaggedEntries_AtOnce()
    {
        var tag = $"t:{Guid.NewGuid():N}";
        var deleted = $"k:{Guid.NewGuid():N}";
        var retagged = $"k:{Guid.NewGuid():N}";
        var a = await _harness.Storage.ClaimAsync(deleted, Token);
        var b = await _harness.Storage.ClaimAsync(retagged, Token);
        var etagA = await _harness.Storage.WriteAsync(deleted, Entry(a, null, tag), null, a.Epoch, Token);
        var etagB = await _harness.Storage.WriteAsync(retagged, Entry(b, null, tag), null, b.Epoch, Token);
        Assert.Equal(2, await redis.Database.SetLengthAsync(_harness.Keys.Tag(tag)));

        await _harness.Storage.DeleteAsync(deleted, etagA, a.Epoch, Token);
        await _harness.Storage.WriteAsync(retagged, Entry(b, null, "other"), etagB, b.Epoch, Token);

        Assert.False(await redis.Database.KeyExistsAsync(_harness.Keys.Tag(tag)));
    }

    [Fact]
    public async Task TagSet_OfExpiringEntries_ExpiresWithTheLastOfThem()
    {
        var tag = $"t:{Guid.NewGuid():N}";
        var late = DateTimeOffset.UtcNow.AddMinutes(30);
        foreach (var expires in new[] { DateTimeOffset.UtcNow.AddMinutes(5), late, DateTimeOffset.UtcNow.AddMinutes(10) })
        {
            var key = $"k:{Guid.NewGuid():N}";
            var owner = await _harness.Storage.ClaimAsync(key, Token);
            await _harness.Storage.WriteAsync(key, Entry(owner, expires, tag), null, owner.Epoch, Token);
        }

        var expiry = await redis.Database.KeyExpireTimeAsync(_harness.Keys.Tag(tag));
        Assert.Equal(late.ToUnixTimeMilliseconds() / 1000, new DateTimeOffset(expiry!.Value).ToUnixTimeMilliseconds() / 1000);
    }

    [Fact]
    public async Task Connection_WithAnAclUser_AuthenticatesAsThatUser_WithinItsKeyPermissions()
    {
        var user = RedisServer.Unique("acl");
        var prefix = $"acl:{Guid.NewGuid():N}:";
        await redis.Server.ExecuteAsync("ACL", "SETUSER", user, "on", ">s3cret-pass", $"~{prefix}*", "+@all");
        try
        {
            await using var storage = new RedisStorageHarness(redis, TimeSpan.FromMinutes(1), o =>
            {
                o.User = user;
                o.Password = "s3cret-pass";
                o.KeyPrefix = prefix;
            });
            var key = $"k:{Guid.NewGuid():N}";
            var owner = await storage.Storage.ClaimAsync(key, Token);
            await storage.Storage.WriteAsync(key, Entry(owner, null), null, owner.Epoch, Token);

            Assert.True(await redis.Database.KeyExistsAsync(storage.Keys.Entry(key)));
            var clients = (string)(await redis.Server.ExecuteAsync("CLIENT", "LIST"))!;
            Assert.Contains(clients.Split('\n'), c => c.Contains($"user={user} ", StringComparison.Ordinal) && c.Contains("name=orleanscache ", StringComparison.Ordinal));
        }
        finally
        {
            await redis.Server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static StoredCacheEntry Entry(CacheEntryClaim claim, DateTimeOffset? expires, params string[] tags) =>
        new([1], new CacheVersion(claim.Epoch.Era, claim.Epoch.Sequence, 1), expires, tags);
}
