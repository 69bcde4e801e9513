using System.Text;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.TestSupport.Conformance;

/// <summary>
/// The contract of <see cref="ICacheEntryStorage"/>, run against every implementation through a thin subclass: claims
/// issue increasing epochs, writes and deletes are compare-and-set on the ETag and fenced by epoch, entries expire,
/// tags and patterns find what is stored, and a late change after the fence retention is refused by the floor.
/// </summary>
/// <remarks>
/// Every activation a test plays claims its key first, as cache-entry grains do. Keys are unique per test, so a
/// subclass may share one storage between tests. Time is the subclass's: a fake clock it advances, or real time.
/// </remarks>
public abstract class CacheEntryStorageConformanceTests
{
    /// <summary>How long a subclass's storage keeps a fence after the entry is gone; tests wait this out.</summary>
    protected abstract TimeSpan FenceRetention { get; }

    /// <summary>The clock the storage reads for expiry.</summary>
    protected abstract DateTimeOffset Now { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The storage under test.</summary>
    protected abstract ICacheEntryStorage Storage { get; }

    /// <summary>Lets time pass for the storage: advances a fake clock, or nothing where real time passes meanwhile.</summary>
    protected abstract Task AdvanceAsync(TimeSpan time);

    /// <summary>A key unique to the calling test.</summary>
    protected static string NewKey(string prefix = "conf") => $"{prefix}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Claim_SameKeyAgain_IssuesStrictlyIncreasingEpochs()
    {
        var key = NewKey();
        var previous = ActivationEpoch.None;
        for (var i = 0; i < 5; i++)
        {
            var claim = await Storage.ClaimAsync(key, Token);
            Assert.True(claim.Epoch > previous, $"claim {i}: {claim.Epoch} is not above {previous}");
            Assert.Null(claim.Entry);
            Assert.Null(claim.ETag);
            previous = claim.Epoch;
        }
    }

    [Fact]
    public async Task WriteThenClaim_ReturnsEverythingWritten_WithItsETag()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        var expires = Now.AddHours(1);
        var version = Version(owner, 1);

        var etag = await Storage.WriteAsync(key, new StoredCacheEntry([1, 2, 3], version, expires, ["a", "b"]), null, owner.Epoch, Token);

        var next = await Storage.ClaimAsync(key, Token);
        Assert.NotNull(next.Entry);
        Assert.Equal([1, 2, 3], next.Entry.Value);
        Assert.Equal(version, next.Entry.Version);
        Assert.Equal(expires.ToUnixTimeMilliseconds(), next.Entry.ExpiresAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(["a", "b"], next.Entry.Tags);
        Assert.Equal(etag, next.ETag);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.True(next.Epoch > owner.Epoch);
    }

    [Fact]
    public async Task Write_WithCurrentETag_Replaces_AndChangesTheETag()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        var first = await Storage.WriteAsync(key, Entry(owner, 1, "one"), null, owner.Epoch, Token);

        var second = await Storage.WriteAsync(key, Entry(owner, 2, "two"), first, owner.Epoch, Token);

        Assert.NotEqual(first, second);
        Assert.Equal("two", Text(await Storage.ClaimAsync(key, Token)));
    }

    [Fact]
    public async Task Write_WithStaleETag_IsRefused_AndChangesNothing()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        var first = await Storage.WriteAsync(key, Entry(owner, 1, "one"), null, owner.Epoch, Token);
        await Storage.WriteAsync(key, Entry(owner, 2, "two"), first, owner.Epoch, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(owner, 3, "stale"), first, owner.Epoch, Token));

        Assert.Equal("two", Text(await Storage.ClaimAsync(key, Token)));
    }

    [Fact]
    public async Task Write_ExpectingNothing_OverAStoredEntry_IsRefused()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        await Storage.WriteAsync(key, Entry(owner, 1, "one"), null, owner.Epoch, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(owner, 2, "two"), null, owner.Epoch, Token));
    }

    [Fact]
    public async Task ConcurrentWrites_FromTheSameETag_ExactlyOneWins()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        var etag = await Storage.WriteAsync(key, Entry(owner, 1, "zero"), null, owner.Epoch, Token);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteAsync(key, Entry(owner, 1 + i, $"w{i}"), etag, owner.Epoch, Token);
                return true;
            }
            catch (CacheStorageConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
    }

    [Fact]
    public async Task Write_FromAnOlderActivation_IsRefused_EvenWhenItsETagMatches()
    {
        // The newer activation has only read the key: the older one's ETag still matches, and its late write must not
        // replace what the newer one serves (G1).
        var key = NewKey();
        var older = await Storage.ClaimAsync(key, Token);
        var etag = await Storage.WriteAsync(key, Entry(older, 1, "v1"), null, older.Epoch, Token);
        var newer = await Storage.ClaimAsync(key, Token);
        Assert.Equal(etag, newer.ETag);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(older, 2, "late"), etag, older.Epoch, Token));
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.DeleteAsync(key, etag, older.Epoch, Token));

        await Storage.WriteAsync(key, Entry(newer, 1, "v2"), etag, newer.Epoch, Token);
        Assert.Equal("v2", Text(await Storage.ClaimAsync(key, Token)));
    }

    [Fact]
    public async Task Create_FromAnOlderActivation_AfterANewerOneClaimedTheMissingKey_IsRefused()
    {
        var key = NewKey();
        var older = await Storage.ClaimAsync(key, Token);
        var newer = await Storage.ClaimAsync(key, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(older, 1, "late"), null, older.Epoch, Token));
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.DeleteAsync(key, null, older.Epoch, Token));

        await Storage.WriteAsync(key, Entry(newer, 1, "mine"), null, newer.Epoch, Token);
    }

    [Fact]
    public async Task LateWrite_OfAnOlderActivation_AfterTheNewerOneWroteAndDeletedTheKey_IsRefused()
    {
        var key = NewKey();
        var older = await Storage.ClaimAsync(key, Token);
        var stale = await Storage.WriteAsync(key, Entry(older, 1, "old"), null, older.Epoch, Token);
        var newer = await Storage.ClaimAsync(key, Token);
        var written = await Storage.WriteAsync(key, Entry(newer, 1, "new"), stale, newer.Epoch, Token);
        await Storage.DeleteAsync(key, written, newer.Epoch, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(older, 2, "late"), stale, older.Epoch, Token));
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(older, 2, "late"), null, older.Epoch, Token));

        // The newer one, having deleted it, creates it again.
        await Storage.WriteAsync(key, Entry(newer, 2, "fresh"), null, newer.Epoch, Token);
        Assert.Equal("fresh", Text(await Storage.ClaimAsync(key, Token)));
    }

    [Fact]
    public async Task Delete_WithCurrentETag_Removes_WithStaleETag_IsRefused()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        var first = await Storage.WriteAsync(key, Entry(owner, 1, "one"), null, owner.Epoch, Token);
        var second = await Storage.WriteAsync(key, Entry(owner, 2, "two"), first, owner.Epoch, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.DeleteAsync(key, first, owner.Epoch, Token));
        await Storage.DeleteAsync(key, second, owner.Epoch, Token);

        // Deleted: the owner now expects nothing, and expecting the old ETag is stale.
        await Storage.DeleteAsync(key, null, owner.Epoch, Token);
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.DeleteAsync(key, second, owner.Epoch, Token));
        Assert.Null((await Storage.ClaimAsync(key, Token)).Entry);
    }

    [Fact]
    public async Task Delete_ExpectingNothing_WhileAnEntryIsStored_IsRefused_AndChangesNothing()
    {
        // An activation that believes the key missing while storage holds an entry is stale: its delete must not pass
        // for an invalidation of that entry.
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        await Storage.WriteAsync(key, Entry(owner, 1, "one"), null, owner.Epoch, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.DeleteAsync(key, null, owner.Epoch, Token));

        Assert.Equal("one", Text(await Storage.ClaimAsync(key, Token)));
    }

    [Fact]
    public async Task DeleteThenWrite_TheOldETagNeverMatchesTheNewEntry()
    {
        var key = NewKey();
        var owner = await Storage.ClaimAsync(key, Token);
        var old = await Storage.WriteAsync(key, Entry(owner, 1, "one"), null, owner.Epoch, Token);
        await Storage.DeleteAsync(key, old, owner.Epoch, Token);
        var fresh = await Storage.WriteAsync(key, Entry(owner, 2, "two"), null, owner.Epoch, Token);

        Assert.NotEqual(old, fresh);
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(owner, 3, "three"), old, owner.Epoch, Token));
    }

    [Fact]
    public async Task Entry_PastItsExpiry_IsGone_AndItsOwnerCanStillDeleteIt()
    {
        var key = NewKey("ttl");
        var tag = $"ttl-tag:{Guid.NewGuid():N}";
        var owner = await Storage.ClaimAsync(key, Token);
        var etag = await Storage.WriteAsync(key, new StoredCacheEntry([7], Version(owner, 1), Now.AddMilliseconds(500), [tag]), null, owner.Epoch, Token);
        Assert.Equal([key], await FindByPatternAsync(key));

        await Eventually.TrueAsync(
            async () =>
            {
                await AdvanceAsync(TimeSpan.FromMilliseconds(100));
                return (await FindByPatternAsync(key)).Count == 0;
            },
            "the expired entry to leave pattern results",
            cancellationToken: Token);

        Assert.Empty(await FindByTagAsync(tag));

        // The owner's own delete of its expired entry (what a grain does when it notices the expiry) is no conflict.
        await Storage.DeleteAsync(key, etag, owner.Epoch, Token);
        Assert.Null((await Storage.ClaimAsync(key, Token)).Entry);
    }

    [Fact]
    public async Task FindByTag_ReturnsTaggedKeys_NotDeletedOrRetaggedOnes()
    {
        var tag = $"tenant:{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, 4).Select(_ => NewKey("tagged")).ToArray();
        var owners = new List<CacheEntryClaim>();
        var etags = new List<string>();
        foreach (var key in keys)
        {
            var owner = await Storage.ClaimAsync(key, Token);
            owners.Add(owner);
            etags.Add(await Storage.WriteAsync(key, new StoredCacheEntry([1], Version(owner, 1), null, [tag, "other"]), null, owner.Epoch, Token));
        }

        var untagged = NewKey("tagged");
        var third = await Storage.ClaimAsync(untagged, Token);
        await Storage.WriteAsync(untagged, new StoredCacheEntry([1], Version(third, 1), null, ["other"]), null, third.Epoch, Token);
        await Storage.DeleteAsync(keys[2], etags[2], owners[2].Epoch, Token);
        await Storage.WriteAsync(keys[3], new StoredCacheEntry([2], Version(owners[3], 2), null, ["other"]), etags[3], owners[3].Epoch, Token);

        Assert.Equal(keys.Take(2).Order(StringComparer.Ordinal), (await FindByTagAsync(tag)).Order(StringComparer.Ordinal));
        Assert.Empty(await FindByTagAsync($"unknown:{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task FindByPattern_ReturnsMatchingKeysOnly()
    {
        var id = Guid.NewGuid().ToString("N");
        string[] matching = [$"feed:{id}:1", $"feed:{id}:2", $"feed:{id}:a:b"];
        string[] other = [$"feed:{id}x:1", $"user:{id}", $"feed:{id}"];
        foreach (var key in matching.Concat(other))
        {
            var owner = await Storage.ClaimAsync(key, Token);
            await Storage.WriteAsync(key, Entry(owner, 1, key), null, owner.Epoch, Token);
        }

        Assert.Equal(matching.Order(StringComparer.Ordinal), (await FindByPatternAsync($"feed:{id}:*")).Order(StringComparer.Ordinal));
        Assert.Equal([$"feed:{id}:1", $"feed:{id}:2"], (await FindByPatternAsync($"feed:{id}:?")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindByPattern_OverMoreKeysThanOneBatch_ReturnsEachOnce()
    {
        var id = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 600).Select(i => $"many:{id}:{i}").ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Token }, async (key, ct) =>
        {
            var owner = await Storage.ClaimAsync(key, ct);
            await Storage.WriteAsync(key, Entry(owner, 1, key), null, owner.Epoch, ct);
        });

        var found = await FindByPatternAsync($"many:{id}:*");

        Assert.Equal(keys.Length, found.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task LateChange_AfterTheFenceRetention_IsRefusedByTheFloor()
    {
        // A change held in transit (a partition) longer than the fence retention: the fence that refused it is gone,
        // and the floor must refuse it in its place.
        var key = NewKey("floor");
        var older = await Storage.ClaimAsync(key, Token);
        var stale = await Storage.WriteAsync(key, Entry(older, 1, "old"), null, older.Epoch, Token);
        var newer = await Storage.ClaimAsync(key, Token);
        await Storage.DeleteAsync(key, stale, newer.Epoch, Token);

        // The floor has passed the newer claim once a never-claimed key refuses a change from just below it.
        var justBelow = newer.Epoch with { Sequence = newer.Epoch.Sequence - 1 };
        await Eventually.TrueAsync(
            async () =>
            {
                await AdvanceAsync(FenceRetention / 4);
                try
                {
                    await Storage.WriteAsync(NewKey("probe"), new StoredCacheEntry([0], CacheVersion.None, null, []), null, justBelow, Token);
                    return false;
                }
                catch (CacheStorageConflictException)
                {
                    return true;
                }
            },
            "the fence retention to pass",
            cancellationToken: Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(older, 2, "late"), null, older.Epoch, Token));
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.WriteAsync(key, Entry(older, 2, "late"), stale, older.Epoch, Token));
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => Storage.DeleteAsync(key, null, older.Epoch, Token));
        Assert.Null((await Storage.ClaimAsync(key, Token)).Entry);

        // A new activation claims and writes as usual.
        var current = await Storage.ClaimAsync(key, Token);
        await Storage.WriteAsync(key, Entry(current, 1, "current"), null, current.Epoch, Token);
        Assert.Equal("current", Text(await Storage.ClaimAsync(key, Token)));
    }

    protected async Task<List<string>> FindByPatternAsync(string pattern)
    {
        var found = new List<string>();
        await foreach (var key in Storage.FindKeysByPatternAsync(pattern, Token))
        {
            found.Add(key);
        }

        return found;
    }

    protected async Task<List<string>> FindByTagAsync(string tag)
    {
        var found = new List<string>();
        await foreach (var key in Storage.FindKeysByTagAsync(tag, Token))
        {
            found.Add(key);
        }

        return found;
    }

    protected static CacheVersion Version(CacheEntryClaim claim, long change) => new(claim.Epoch.Era, claim.Epoch.Sequence, change);

    protected static StoredCacheEntry Entry(CacheEntryClaim claim, long change, string value) =>
        new(Encoding.UTF8.GetBytes(value), Version(claim, change), null, []);

    protected static string Text(CacheEntryClaim claim) =>
        claim.Entry is { } entry ? Encoding.UTF8.GetString(entry.Value) : throw new Xunit.Sdk.XunitException("The key has no entry.");
}
