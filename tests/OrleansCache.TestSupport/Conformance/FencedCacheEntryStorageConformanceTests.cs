using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Runtime;
using Xunit;

namespace OrleansCache.TestSupport.Conformance;

/// <summary>
/// The contract of a storage that silos share (Redis): besides the ETag checks every storage keeps, a change carrying
/// the epoch of an activation older than the key's newest reader or writer is refused, however late it arrives
/// (docs/adr/0041). Each test plays a stale activation <c>older</c> and the key's new activation <c>newer</c>.
/// </summary>
public abstract class FencedCacheEntryStorageConformanceTests : CacheEntryStorageConformanceTests
{
    private static readonly ActivationEpoch Older = new(3, 7);
    private static readonly ActivationEpoch Newer = new(4, 1);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LateChangeOfAnOlderActivation_AfterANewerOneReadTheKey_IsRefused()
    {
        // Found by CI's partition run: the new owner had only read the key, so the stale activation's ETag still
        // matched and its late delete went in; the new owner went on serving the value it had read.
        var storage = await GetStorageAsync();
        var key = NewKey("fence");
        var etag = await storage.WriteAsync(key, Entry("v1", 1), null, Older, Token);

        var read = await storage.ReadAsync(key, Newer, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.DeleteAsync(key, etag, Older, Token));
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry("late", 2), etag, Older, Token));
        Assert.Equal("v1", Text((await storage.ReadAsync(key, Newer, Token))!));
        Assert.NotNull(await storage.WriteAsync(key, Entry("v2", 3), read!.ETag, Newer, Token));
    }

    [Fact]
    public async Task LateCreateOfAnOlderActivation_AfterANewerOneReadTheKeyAsMissing_IsRefused()
    {
        var storage = await GetStorageAsync();
        var key = NewKey("fence");

        Assert.Null(await storage.ReadAsync(key, Newer, Token));

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry("late", 1), null, Older, Token));
        Assert.Null(await storage.ReadAsync(key, Newer, Token));
    }

    [Fact]
    public async Task LateWriteOfAnOlderActivation_AfterTheNewerOneWroteAndDeletedTheKey_IsRefused()
    {
        // Found by the fault-injection soak (docs/reliability.md): TCP delivered a timed-out write of a silo cut off by
        // a partition after the key's new owner had written the key and deleted it; the key being absent, it went in.
        var storage = await GetStorageAsync();
        var key = NewKey("fence");
        var stale = await storage.WriteAsync(key, Entry("old", 1), null, Older, Token);
        var read = await storage.ReadAsync(key, Newer, Token);
        var newer = await storage.WriteAsync(key, Entry("new", 2), read!.ETag, Newer, Token);
        await storage.DeleteAsync(key, newer, Newer, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry("late", 1), stale, Older, Token));
        Assert.Null(await storage.ReadAsync(key, Newer, Token));

        // The new owner, having deleted it, creates it again.
        await storage.WriteAsync(key, Entry("fresh", 3), null, Newer, Token);
        Assert.Equal("fresh", Text((await storage.ReadAsync(key, Newer, Token))!));
    }

    [Fact]
    public async Task LateDeleteOfAMissingKey_ByAnOlderActivation_AfterANewerOneReadIt_IsRefused()
    {
        var storage = await GetStorageAsync();
        var key = NewKey("fence");
        Assert.Null(await storage.ReadAsync(key, Newer, Token));

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.DeleteAsync(key, null, Older, Token));
        await storage.DeleteAsync(key, null, Newer, Token);
    }

    [Fact]
    public async Task ReadByAnActivationOlderThanOneThatClaimedTheKey_IsRefused_AndClaimsNothing()
    {
        var storage = await GetStorageAsync();
        var key = NewKey("fence");
        await storage.ReadAsync(key, Newer, Token);

        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.ReadAsync(key, Older, Token));

        // A later activation of the same silo (same view, next sequence) takes over from the newer one.
        var later = Newer with { Sequence = Newer.Sequence + 1 };
        await storage.ReadAsync(key, later, Token);
        await Assert.ThrowsAsync<CacheStorageConflictException>(() => storage.WriteAsync(key, Entry("v", 1), null, Newer, Token));
        await storage.WriteAsync(key, Entry("v", 1), null, later, Token);
    }

    private static StoredCacheEntry Entry(string value, long change) =>
        new(System.Text.Encoding.UTF8.GetBytes(value), new CacheVersion(3, 7, change), null, []);

    private static string Text(StoredCacheEntry entry) => System.Text.Encoding.UTF8.GetString(entry.Value);
}
