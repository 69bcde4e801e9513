using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Runtime;
using Xunit;

namespace OrleansCache.TestSupport.Conformance;

/// <summary>
/// The contract every cache-entry storage keeps. Each implementation runs these through a thin subclass. Keys are unique
/// per test, so a subclass may share one storage between tests.
/// </summary>
public abstract class CacheEntryStorageConformanceTests
{
    private static readonly CacheVersion V1 = new(1, 1, 1);
    private static readonly CacheVersion V2 = new(1, 1, 2);

    /// <summary>The epoch of the one activation these tests play.</summary>
    private static readonly ActivationEpoch E1 = new(1, 1);

    /// <summary>The storage under test.</summary>
    protected abstract Task<ICacheEntryStorage> GetStorageAsync();

    /// <summary>A key unique to the calling test.</summary>
    protected static string NewKey(string prefix = "conf") => $"{prefix}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Read_OfUnknownKey_IsNull()
    {
        var storage = await GetStorageAsync();
        Assert.Null(await storage.ReadAsync(NewKey(), E1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WriteThenRead_RoundTripsEverything_WithAnETag()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        var etag = await storage.WriteAsync(key, new StoredCacheEntry([1, 2, 3], V1, expires, ["a", "b"]), null, E1, TestContext.Current.CancellationToken);

        var read = await storage.ReadAsync(key, E1, TestContext.Current.CancellationToken);
        Assert.NotNull(read);
        Assert.Equal([1, 2, 3], read.Value);
        Assert.Equal(V1, read.Version);
        Assert.Equal(expires.ToUnixTimeMilliseconds(), read.ExpiresAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(["a", "b"], read.Tags);
        Assert.Equal(etag, read.ETag);
        Assert.NotEmpty(etag);
    }

    [Fact]
    public async Task Write_WithCurrentETag_Replaces_AndChangesETag()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        var first = await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);

        var second = await storage.WriteAsync(key, Entry(V2, 2), first, E1, TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
        Assert.Equal(V2, (await storage.ReadAsync(key, E1, TestContext.Current.CancellationToken))!.Version);
    }

    [Fact]
    public async Task Write_WithStaleETag_IsRefused_AndChangesNothing()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        var first = await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);
        await storage.WriteAsync(key, Entry(V2, 2), first, E1, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry(V1, 9), first, E1, TestContext.Current.CancellationToken));

        Assert.Equal([2], (await storage.ReadAsync(key, E1, TestContext.Current.CancellationToken))!.Value);
    }

    [Fact]
    public async Task Write_WithoutETag_OverAnExistingEntry_IsRefused()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry(V2, 2), null, E1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ConcurrentWrites_FromSameETag_ExactlyOneWins()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        var etag = await storage.WriteAsync(key, Entry(V1, 0), null, E1, TestContext.Current.CancellationToken);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteAsync(key, Entry(V2, (byte)i), etag, E1, TestContext.Current.CancellationToken);
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
    public async Task Delete_WithCurrentETag_Removes_WithStaleETag_IsRefused()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        var first = await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);
        var second = await storage.WriteAsync(key, Entry(V2, 2), first, E1, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.DeleteAsync(key, first, E1, TestContext.Current.CancellationToken));
        await storage.DeleteAsync(key, second, E1, TestContext.Current.CancellationToken);

        Assert.Null(await storage.ReadAsync(key, E1, TestContext.Current.CancellationToken));
        await storage.DeleteAsync(key, second, E1, TestContext.Current.CancellationToken); // nothing stored: not an error
    }

    [Fact]
    public async Task Delete_ExpectingNothing_WhileAnEntryIsStored_IsRefused_AndChangesNothing()
    {
        // An activation that believes the key missing while another wrote it is stale: its delete must not pass for an
        // invalidation of the other's entry (found by the fault-injection runner: a bridge message lost that way).
        var storage = await GetStorageAsync();
        var key = NewKey();
        await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.DeleteAsync(key, null, E1, TestContext.Current.CancellationToken));

        Assert.Equal([1], (await storage.ReadAsync(key, E1, TestContext.Current.CancellationToken))!.Value);
    }

    [Fact]
    public async Task DeleteThenWrite_OldETagNeverMatchesTheNewEntry()
    {
        var storage = await GetStorageAsync();
        var key = NewKey();
        var old = await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);
        await storage.DeleteAsync(key, old, E1, TestContext.Current.CancellationToken);
        var fresh = await storage.WriteAsync(key, Entry(V2, 2), null, E1, TestContext.Current.CancellationToken);

        Assert.NotEqual(old, fresh);
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry(V2, 3), old, E1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FindByPattern_ReturnsMatchingKeysOnly()
    {
        var storage = await GetStorageAsync();
        var id = Guid.NewGuid().ToString("N");
        string[] matching = [$"feed:{id}:1", $"feed:{id}:2", $"feed:{id}:a:b"];
        string[] other = [$"feed:{id}x:1", $"user:{id}"];
        foreach (var key in matching.Concat(other))
        {
            await storage.WriteAsync(key, Entry(V1, 1), null, E1, TestContext.Current.CancellationToken);
        }

        var found = new List<string>();
        await foreach (var key in storage.FindKeysByPatternAsync($"feed:{id}:*", TestContext.Current.CancellationToken))
        {
            found.Add(key);
        }

        Assert.Equal(matching.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindByTag_ReturnsTaggedKeys_NotDeletedOnes()
    {
        var storage = await GetStorageAsync();
        var tag = $"tenant:{Guid.NewGuid():N}";
        var tagged = Enumerable.Range(0, 3).Select(_ => NewKey()).ToArray();
        var etags = new List<string>();
        foreach (var key in tagged)
        {
            etags.Add(await storage.WriteAsync(key, new StoredCacheEntry([1], V1, null, [tag]), null, E1, TestContext.Current.CancellationToken));
        }

        await storage.WriteAsync(NewKey(), new StoredCacheEntry([1], V1, null, ["other"]), null, E1, TestContext.Current.CancellationToken);
        await storage.DeleteAsync(tagged[2], etags[2], E1, TestContext.Current.CancellationToken);

        var found = new List<string>();
        await foreach (var key in storage.FindKeysByTagAsync(tag, TestContext.Current.CancellationToken))
        {
            found.Add(key);
        }

        Assert.Equal(tagged.Take(2).Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    private static StoredCacheEntry Entry(CacheVersion version, byte marker) => new([marker], version, null, []);
}
