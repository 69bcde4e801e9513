using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Client.NearCaching;
using OrleansCache.TestSupport.Metrics;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Cache.Tests.Hybrid;

/// <summary>HybridCache through <c>AddOrleansHybridCache</c>, in two app instances on one cluster.</summary>
public sealed class HybridCacheTests(HybridCluster fixture) : IClassFixture<HybridCluster>
{
    private static readonly HybridCacheEntryOptions NoFactory = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoInstances_SeeEachOthersSetRemoveAndRemoveByTag_InTheirLocalCopies_AndTheFactoryRunsOnce()
    {
        var (a, b) = (fixture.HybridA, fixture.HybridB);
        var key = CacheClusters.Key("hybrid");
        var other = CacheClusters.Key("hybrid");
        var tag = $"tag:{Guid.NewGuid():N}";
        var runs = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Factory(CancellationToken ct)
        {
            var run = Interlocked.Increment(ref runs);
            await gate.Task.WaitAsync(ct);
            return $"v{run}";
        }

        // Concurrent misses on both instances: one factory run in the whole cluster, held until the other instance
        // waits for it in the key's grain; every caller gets its value.
        using var waits = LeaseWaits();
        var calls = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).GetOrCreateAsync(key, Factory, tags: [tag], cancellationToken: Token).AsTask()).ToList();
        await waits.WhenAsync("orleanscache.client.lease_waits", 1, Watch.Timeout);
        gate.SetResult();
        var values = await Task.WhenAll(calls).WaitAsync(Watch.Timeout, Token);
        Assert.Equal(1, Volatile.Read(ref runs));
        Assert.All(values, v => Assert.Equal("v1", v));
        Assert.True(fixture.A.Serves(key));
        Assert.True(fixture.B.Serves(key));

        // A's SetAsync replaces B's local copy.
        using (var watchB = new Watch(fixture.B.Cache))
        {
            await a.SetAsync(key, "set-by-a", tags: [tag], cancellationToken: Token);
            await watchB.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);
        }

        Assert.False(fixture.B.Serves(key));
        Assert.Equal("set-by-a", await b.GetOrCreateAsync(key, Factory, tags: [tag], cancellationToken: Token));
        Assert.True(fixture.B.Serves(key));
        Assert.Equal(1, Volatile.Read(ref runs));

        // B's RemoveAsync drops A's local copy; the next miss runs the factory again, once.
        using (var watchA = new Watch(fixture.A.Cache))
        {
            await b.RemoveAsync(key, Token);
            await watchA.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);
        }

        Assert.False(fixture.A.Serves(key));
        Assert.Equal("v2", await a.GetOrCreateAsync(key, Factory, tags: [tag], cancellationToken: Token));
        Assert.Equal("v2", await b.GetOrCreateAsync(key, Factory, tags: [tag], cancellationToken: Token));
        Assert.Equal(2, Volatile.Read(ref runs));

        // B's RemoveByTagAsync drops every entry with the tag from A's local copies (and its own).
        await b.SetAsync(other, "other", tags: [tag], cancellationToken: Token);
        Assert.Equal("other", await a.GetOrCreateAsync(other, Factory, tags: [tag], cancellationToken: Token));
        Assert.True(fixture.A.Serves(key) && fixture.A.Serves(other));
        using (var watchA = new Watch(fixture.A.Cache))
        {
            await b.RemoveByTagAsync(tag, Token);
            await watchA.ForAsync(e => e.Kind == CacheInvalidationKind.Tag && e.Target == tag);
        }

        Assert.False(fixture.A.Serves(key) || fixture.A.Serves(other) || fixture.B.Serves(key) || fixture.B.Serves(other));
        Assert.Equal(default, await a.GetOrCreateAsync(other, Factory, NoFactory, cancellationToken: Token));
        Assert.Equal("v3", await a.GetOrCreateAsync(key, Factory, cancellationToken: Token));
        Assert.Equal(3, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task FactoryFailure_ItsCallerGetsTheException_EveryWaiterOnBothInstancesACacheFactoryException()
    {
        var key = CacheClusters.Key("failing");
        var runs = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Factory(CancellationToken ct)
        {
            Interlocked.Increment(ref runs);
            await gate.Task.WaitAsync(ct);
            throw new InvalidOperationException("database down");
        }

        using var waits = LeaseWaits();
        var calls = Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? fixture.HybridA : fixture.HybridB).GetOrCreateAsync(key, Factory, cancellationToken: Token).AsTask()).ToList();
        await waits.WhenAsync("orleanscache.client.lease_waits", 1, Watch.Timeout);
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls.Select(async c => await Record.ExceptionAsync(() => c))).WaitAsync(Watch.Timeout, Token);

        Assert.Equal(1, runs);
        Assert.Single(outcomes, e => e is InvalidOperationException { Message: "database down" });
        Assert.Equal(19, outcomes.Count(e => e is CacheFactoryException f && f.Message.Contains("database down", StringComparison.Ordinal)));
        Assert.Equal("retried", await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult("retried"), cancellationToken: Token));
    }

    [Fact]
    public async Task RemoveByTag_Star_RemovesEveryEntry_OnEveryInstance()
    {
        var keys = new[] { CacheClusters.Key("star"), CacheClusters.Key("star") };
        await fixture.HybridA.SetAsync(keys[0], "a", cancellationToken: Token);
        await fixture.HybridB.SetAsync(keys[1], "b", tags: ["some-tag"], cancellationToken: Token);
        Assert.Equal("b", await fixture.HybridA.GetOrCreateAsync(keys[1], _ => ValueTask.FromResult("never"), cancellationToken: Token));

        using (var watchA = new Watch(fixture.A.Cache))
        {
            await fixture.HybridB.RemoveByTagAsync("*", Token);
            await watchA.ForAsync(e => e.Kind == CacheInvalidationKind.All);
        }

        foreach (var key in keys)
        {
            Assert.False(fixture.A.Serves(key));
            Assert.Null(await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult<string>(null!), NoFactory, cancellationToken: Token));
        }
    }

    [Fact]
    public async Task RemoveManyKeys_DropsThemOnTheOtherInstance()
    {
        var keys = new[] { CacheClusters.Key("many"), CacheClusters.Key("many") };
        foreach (var key in keys)
        {
            await fixture.HybridA.SetAsync(key, key, cancellationToken: Token);
            Assert.Equal(key, await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult("never"), cancellationToken: Token));
        }

        using var watchB = new Watch(fixture.B.Cache);
        await fixture.HybridA.RemoveAsync(keys, Token);
        await Task.WhenAll(keys.Select(k => watchB.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == k)));

        Assert.All(keys, k => Assert.False(fixture.B.Serves(k)));
    }

    [Fact]
    public async Task Expiration_IsTheClusterTtl_TheValueExpiresOnEveryInstance()
    {
        var key = CacheClusters.Key("ttl");
        await fixture.HybridA.SetAsync(key, "short-lived", new HybridCacheEntryOptions { Expiration = TimeSpan.FromSeconds(3) }, cancellationToken: Token);

        await Eventually.TrueAsync(
            async () => await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult("never"), NoFactory, cancellationToken: Token) is null,
            "the value expired in the cluster, as B reads it", cancellationToken: Token);

        // The writer's copy expires with it (give or take the write's round trip, which its local clock started after).
        await Eventually.TrueAsync(() => !fixture.A.Serves(key), "A's local copy expired", cancellationToken: Token);
    }

    [Fact]
    public async Task LocalCacheExpiration_BoundsTheLocalCopy_AndTheDefaultEntryOptionsApply()
    {
        var withLocal = CacheClusters.Key("local");
        var withDefaults = CacheClusters.Key("local");
        var withFlagsOnly = CacheClusters.Key("local");
        await fixture.HybridA.SetAsync(withLocal, "x", new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromSeconds(20) }, cancellationToken: Token);
        await fixture.HybridA.GetOrCreateAsync(withDefaults, _ => ValueTask.FromResult("y"), cancellationToken: Token);
        await fixture.HybridA.GetOrCreateAsync(withFlagsOnly, _ => ValueTask.FromResult("z"), new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableCompression }, cancellationToken: Token);

        // The near-cache's own limit is 5 min; the entry's local expiration (or the default entry options') is shorter.
        Assert.InRange(LocalLifetimeLeft(withLocal), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.InRange(LocalLifetimeLeft(withDefaults), TimeSpan.FromSeconds(30), HybridCluster.DefaultLocalExpiration);
        Assert.InRange(LocalLifetimeLeft(withFlagsOnly), TimeSpan.FromSeconds(30), HybridCluster.DefaultLocalExpiration);
    }

    [Fact]
    public async Task DisableLocalCacheWrite_KeepsNoLocalCopy_AndDropsTheOlderOne()
    {
        var key = CacheClusters.Key("nolocal");
        var noLocalWrite = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCacheWrite };
        await fixture.HybridA.SetAsync(key, "v1", cancellationToken: Token);
        Assert.True(fixture.A.Serves(key));

        await fixture.HybridA.SetAsync(key, "v2", noLocalWrite, cancellationToken: Token);

        Assert.False(fixture.A.Serves(key));
        Assert.Equal("v2", await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult("never"), noLocalWrite, cancellationToken: Token));
        Assert.False(fixture.A.Serves(key));
        Assert.Equal("v2", await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult("never"), cancellationToken: Token));
    }

    [Fact]
    public async Task DisableLocalCacheRead_AndDisableCompression_StillGetTheClusterValue_OnTheLeasePath()
    {
        var key = CacheClusters.Key("noread");
        var runs = 0;
        var options = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCacheRead | HybridCacheEntryFlags.DisableCompression };
        ValueTask<string> Factory(CancellationToken ct) => ValueTask.FromResult($"v{Interlocked.Increment(ref runs)}");

        Assert.Equal("v1", await fixture.HybridA.GetOrCreateAsync(key, Factory, options, cancellationToken: Token));
        Assert.Equal("v1", await fixture.HybridB.GetOrCreateAsync(key, Factory, options, cancellationToken: Token));
        Assert.Equal(1, runs);

        // Not reading the local copy does not stop writing it.
        Assert.True(fixture.B.Serves(key));
    }

    [Fact]
    public async Task DisableUnderlyingData_ReturnsDefaultOnAMiss_WithoutRunningTheFactory()
    {
        var key = CacheClusters.Key("nodata");

        Assert.Equal(0, await fixture.HybridA.GetOrCreateAsync<int>(key, _ => throw new InvalidOperationException("The factory must not run."), NoFactory, cancellationToken: Token));
        Assert.Null(await fixture.HybridA.GetOrCreateAsync<string>(key, _ => throw new InvalidOperationException("The factory must not run."), NoFactory, cancellationToken: Token));
        await fixture.HybridB.SetAsync(key, "now-there", cancellationToken: Token);
        Assert.Equal("now-there", await fixture.HybridA.GetOrCreateAsync<string>(key, _ => throw new InvalidOperationException("The factory must not run."), NoFactory, cancellationToken: Token));
    }

    [Fact]
    public async Task DisableDistributedCacheWrite_OnGetOrCreate_ReturnsTheFactorysValue_AndStoresItNowhere()
    {
        var key = CacheClusters.Key("nodistwrite");

        var value = await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult("only-mine"), new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite }, cancellationToken: Token);

        Assert.Equal("only-mine", value);
        Assert.False(fixture.A.Serves(key));
        Assert.Null(await fixture.HybridB.GetOrCreateAsync<string>(key, _ => ValueTask.FromResult("never"), NoFactory, cancellationToken: Token));
    }

    [Fact]
    public async Task DisableDistributedCacheWrite_OnSet_IsRejected()
    {
        var key = CacheClusters.Key("nodistwrite");

        await Assert.ThrowsAsync<NotSupportedException>(() => fixture.HybridA.SetAsync(key, "x", new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite }, cancellationToken: Token).AsTask());

        Assert.Null(await fixture.HybridB.GetOrCreateAsync<string>(key, _ => ValueTask.FromResult("never"), NoFactory, cancellationToken: Token));
    }

    [Fact]
    public async Task DisableDistributedCacheRead_RunsTheFactoryOverTheClusterValue_AndEveryInstanceSeesTheNewOne()
    {
        var key = CacheClusters.Key("nodistread");
        await fixture.HybridA.SetAsync(key, "old", cancellationToken: Token);
        Assert.True(fixture.A.Serves(key));

        using var watchA = new Watch(fixture.A.Cache);
        var value = await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult("fresh"), new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCacheRead }, cancellationToken: Token);
        await watchA.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);

        Assert.Equal("fresh", value);
        Assert.Equal("fresh", await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult("never"), cancellationToken: Token));
    }

    [Fact]
    public async Task CustomSerializer_AddedOnTheBuilder_IsWhatTheClusterStores()
    {
        var key = CacheClusters.Key("money");

        await fixture.HybridA.SetAsync(key, new Money(12.50m, "EUR"), cancellationToken: Token);

        Assert.Equal("EUR 12.50", Encoding.UTF8.GetString((await ClusterBytesAsync(key))!));
        Assert.Equal(new Money(12.50m, "EUR"), await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult(new Money(0, "never")), cancellationToken: Token));
    }

    [Fact]
    public async Task SerializerFactory_AddedOnTheBuilder_SerializesTheTypesItAccepts()
    {
        var key = CacheClusters.Key("note");

        var made = await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult(new Note("hello")), cancellationToken: Token);

        Assert.Equal("note:hello", Encoding.UTF8.GetString((await ClusterBytesAsync(key))!));
        Assert.Equal(made, await fixture.HybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult(new Note("never")), cancellationToken: Token));
    }

    [Fact]
    public async Task DefaultSerializers_StringsAsUtf8_BytesAsTheyAre_OthersAsTheClientsJson()
    {
        var (text, bytes, profile) = (CacheClusters.Key("default"), CacheClusters.Key("default"), CacheClusters.Key("default"));

        await fixture.HybridA.SetAsync(text, "héllo", cancellationToken: Token);
        await fixture.HybridA.SetAsync(bytes, new byte[] { 1, 2, 3 }, cancellationToken: Token);
        await fixture.HybridA.SetAsync(profile, new Profile("Ada", 3), cancellationToken: Token);

        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), await ClusterBytesAsync(text));
        Assert.Equal(new byte[] { 1, 2, 3 }, await ClusterBytesAsync(bytes));
        Assert.Equal(new Profile("Ada", 3), await fixture.B.Cache.GetAsync<Profile>(profile, Token));
        Assert.Equal(new Profile("Ada", 3), await fixture.HybridB.GetOrCreateAsync(profile, _ => ValueTask.FromResult(new Profile("never", 0)), cancellationToken: Token));
    }

    [Fact]
    public async Task FactoryCaller_GetsTheInstanceItMade_OtherCallersGetTheirOwnCopies()
    {
        var key = CacheClusters.Key("instance");
        var made = new Profile("Grace", 1);

        var first = await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult(made), cancellationToken: Token);
        var second = await fixture.HybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult(new Profile("never", 0)), cancellationToken: Token);

        Assert.Same(made, first);
        Assert.Equal(made, second);
        Assert.NotSame(made, second);
    }

    [Fact]
    public async Task BadKeysAndTags_ThrowArgumentException_BeforeAnythingIsSent()
    {
        // An instance cut off from the cluster: anything sent would hang or fail otherwise, never throw ArgumentException.
        await using var cut = await fixture.Cluster.CreateClientAsync(cancellationToken: Token);
        cut.CutConnection();
        var hybrid = cut.Services.GetRequiredService<HybridCache>();
        var ran = false;
        ValueTask<string> Factory(CancellationToken ct)
        {
            ran = true;
            return ValueTask.FromResult("x");
        }

        foreach (var key in new[] { "", " ", "bad\u0001key", new string('k', 1025) })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => hybrid.GetOrCreateAsync(key, Factory, cancellationToken: Token).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => hybrid.SetAsync(key, "x", cancellationToken: Token).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => hybrid.RemoveAsync(key, Token).AsTask());
        }

        foreach (var tag in new[] { "", "*", "has space", "ünicode", new string('t', 257) })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => hybrid.GetOrCreateAsync("good:key", Factory, tags: [tag], cancellationToken: Token).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => hybrid.SetAsync("good:key", "x", tags: ["fine", tag], cancellationToken: Token).AsTask());
        }

        await Assert.ThrowsAsync<ArgumentException>(() => hybrid.RemoveByTagAsync("has space", Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => hybrid.RemoveByTagAsync(["fine", "has space"], Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => hybrid.SetAsync("good:key", "x", new HybridCacheEntryOptions { Expiration = TimeSpan.Zero }, cancellationToken: Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => hybrid.SetAsync("good:key", "x", new HybridCacheEntryOptions { LocalCacheExpiration = TimeSpan.FromSeconds(-1) }, cancellationToken: Token).AsTask());
        Assert.False(ran);

        // HybridCache's own no-ops stay no-ops: a blank tag, and no tags or keys at all.
        await hybrid.RemoveByTagAsync("", Token);
        await hybrid.RemoveByTagAsync((IEnumerable<string>)null!, Token);
        await hybrid.RemoveAsync((IEnumerable<string>)null!, Token);
    }

    /// <summary>Counts lease waits of both instances from now on.</summary>
    private MetricTotals LeaseWaits() =>
        new("OrleansCache.Client", scopes: [fixture.A.Services.GetService<IMeterFactory>(), fixture.B.Services.GetService<IMeterFactory>()]);

    private TimeSpan LocalLifetimeLeft(string key)
    {
        Assert.True(fixture.A.Near().TryPeek(key, out var entry));
        return TimeSpan.FromSeconds((entry.ExpiresAtTimestamp - TimeProvider.System.GetTimestamp()) / (double)TimeProvider.System.TimestampFrequency);
    }

    /// <summary>What the cluster stores for <paramref name="key"/>, read past B's near-cache.</summary>
    private Task<byte[]?> ClusterBytesAsync(string key) =>
        fixture.B.Impl().TryGetBytesAsync(key, new NearCachePolicy(Read: false, Write: false, Ttl: null), Token).AsTask();
}
