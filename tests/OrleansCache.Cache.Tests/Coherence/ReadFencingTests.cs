using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;
using OrleansCache.Runtime.Placement;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Membership;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

/// <summary>
/// Reads are fenced like writes (docs/adr/0038): an activation that may be behind storage never serves again. These
/// are the regression tests for the backwards reads the fault-injection runner found (docs/reliability.md).
/// </summary>
public sealed class ReadFencingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteWhoseOutcomeIsUnknown_ButApplied_IsWhatEveryoneReadsNext_NoOneKeepsTheOlderValue()
    {
        var storage = new SharedCacheEntryStorage();
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o => o.ConfigureSilo = s => UseStorage(s, storage));
        var key = CacheClusters.Key();
        var writer = cluster.Cache;
        var holder = await cluster.CreateCacheClientAsync(cancellationToken: Token);
        await writer.SetAsync(key, "v1", cancellationToken: Token);
        Assert.Equal("v1", await holder.GetAsync<string>(key, Token));
        using var watch = new Watch(holder);

        // Storage applies the write, but its answer is lost (Redis paused past the timeout): the writer gets an error.
        storage.FailAfterApplying(key);
        await Assert.ThrowsAnyAsync<OrleansCacheException>(() => writer.SetAsync(key, "v2", cancellationToken: Token));
        storage.FailAfterApplying(null);
        Assert.Equal("v2", Deserialize(storage.Peek(key)));

        // The activation no longer knows what storage holds: it does not serve its "v1" again, and clients holding "v1"
        // are told to drop it. Before the fix, the activation kept serving "v1" until its next write was refused.
        await watch.ForAsync(e => e.Target == key && e.Dropped > 0);
        Assert.False(holder.Serves(key));
        Assert.Equal("v2", await holder.GetAsync<string>(key, Token));
        Assert.Equal("v2", await writer.GetAsync<string>(key, Token));
        await using var fresh = await cluster.CreateCacheClientAsync(cancellationToken: Token);
        Assert.Equal("v2", await fresh.GetAsync<string>(key, Token));
    }

    [Fact]
    public async Task OwnerThatMissedAnotherSilosWholeLife_DoesNotServeWhatItHeldBefore()
    {
        // A cannot read the table while silo C joins, takes some of A's keys, writes them and dies (B declares it
        // dead). A's next view skips C's whole life: the keys C outranks A for must be read from storage again.
        var storage = new SharedCacheEntryStorage();
        var (cluster, blindA) = await StartWithBlindableFirstSiloAsync(storage);
        await using var stopsTheCluster = cluster;
        var a = cluster.Silos[0];
        var b = cluster.Silos[1];
        var viaA = await cluster.CreateCacheClientAsync(gateway: a, cancellationToken: Token);
        var keys = Enumerable.Range(0, 40).Select(_ => cluster.KeyOwnedBy<ICacheEntryGrain>(a, "fenced")).ToList();
        foreach (var key in keys)
        {
            await viaA.SetAsync(key, "v1", cancellationToken: Token);
        }

        blindA.Blind = true;
        var c = await cluster.StartSiloWithoutWaitingAsync(Token);
        await WhenViewAsync(b, v => v.Owners.Count == 3);
        var taken = keys.Where(k => c.Address.Equals(RendezvousPlacement.SelectOwner(GrainOf(k), c.Silo.View.Owners))).ToList();
        Assert.NotEmpty(taken);
        await using (var viaC = await cluster.CreateCacheClientAsync(gateway: c, cancellationToken: Token))
        {
            foreach (var key in taken)
            {
                await viaC.SetAsync(key, "v2", cancellationToken: Token);
            }
        }

        await cluster.KillSiloAsync(c, Token);
        await WhenViewAsync(b, v => v.Snapshot.Entries.Any(e => e.Silo.Equals(c.Address) && e.Status == SiloStatus.Dead));
        Assert.DoesNotContain(a.Silo.View.Snapshot.Entries, e => e.Silo.Equals(c.Address));
        blindA.Blind = false;
        await cluster.WaitForStableViewAsync(cancellationToken: Token);

        await using var reader = await cluster.CreateCacheClientAsync(gateway: a, cancellationToken: Token);
        foreach (var key in taken)
        {
            Assert.Equal("v2", await reader.GetAsync<string>(key, Token));
        }

        foreach (var key in keys.Except(taken))
        {
            Assert.Equal("v1", await reader.GetAsync<string>(key, Token));
        }
    }

    [Fact]
    public async Task ClientThatHasSeenANewerView_IsNotServedBySiloThatCannotCatchUp()
    {
        // A cannot read the table while C joins and takes a key from it; C's write reaches A's client as an
        // invalidation, whose version shows C's newer view. A, unable to catch up, must not answer that client's read
        // from its old activation (the older value) but fail it; once A can read the table, the read goes to C.
        var storage = new SharedCacheEntryStorage();
        var (cluster, blindA) = await StartWithBlindableFirstSiloAsync(storage);
        await using var stopsTheCluster = cluster;
        var a = cluster.Silos[0];
        var b = cluster.Silos[1];
        await using var reader = await cluster.CreateCacheClientAsync(gateway: a, configure: o => o.Cluster.ResponseTimeout = TimeSpan.FromSeconds(2), cancellationToken: Token);
        var keys = Enumerable.Range(0, 20).Select(_ => cluster.KeyOwnedBy<ICacheEntryGrain>(a, "seen")).ToList();
        foreach (var each in keys)
        {
            await reader.SetAsync(each, "v1", cancellationToken: Token);
        }

        blindA.Blind = true;
        var c = await cluster.StartSiloWithoutWaitingAsync(Token);
        await WhenViewAsync(b, v => v.Owners.Count == 3);
        var taken = keys.First(k => c.Address.Equals(RendezvousPlacement.SelectOwner(GrainOf(k), c.Silo.View.Owners)));
        using var watch = new Watch(reader);
        await using (var viaC = await cluster.CreateCacheClientAsync(gateway: c, cancellationToken: Token))
        {
            await viaC.SetAsync(taken, "v2", cancellationToken: Token);
        }

        await watch.ForAsync(e => e.Target == taken && e.Version?.Era > a.Silo.View.Version);
        await Assert.ThrowsAnyAsync<OrleansCacheException>(async () => await reader.GetAsync<string>(taken, Token));

        blindA.Blind = false;
        await cluster.WaitForStableViewAsync(cancellationToken: Token);
        Assert.Equal("v2", await reader.GetAsync<string>(taken, Token));
    }

    [Fact]
    public async Task SiloCutOffLongerThanTheDeathTimeout_ChangesNothingInStorage()
    {
        // Found by the fault-injection runner (a partition through its proxies): a silo cut off for longer than the
        // death timeout, not yet aware the others had declared it dead, took a client's write held back by the partition
        // and stored it; the key's new owner, which had read the key before, kept serving the older value to that client.
        var storage = new SharedCacheEntryStorage();
        var (cluster, blindA) = await StartWithBlindableFirstSiloAsync(storage);
        await using var stopsTheCluster = cluster;
        await using var viaA = await cluster.CreateCacheClientAsync(gateway: cluster.Silos[0], cancellationToken: Token);
        var key = await WriteKeyOwnedByFirstSiloAsync(cluster, viaA, "cutoff");

        await CutOffFirstSiloAsync(cluster, blindA);

        await Assert.ThrowsAnyAsync<OrleansCacheException>(() => viaA.SetAsync(key, "late", cancellationToken: Token));
        Assert.Equal("v1", Deserialize(storage.Peek(key)));
    }

    [Fact]
    public async Task ChangeHeldInTransitUntilTheNewOwnerHasReadTheKey_IsRefused()
    {
        // Found by CI (the suite's partition run through the proxies): A sent a delete within its lease, the partition held
        // it in transit while A was declared dead and B read the key; it reached storage when the link healed and was
        // applied, so A acknowledged an invalidation that B, serving the value it had read, never showed.
        var storage = new SharedCacheEntryStorage();
        var (cluster, blindA) = await StartWithBlindableFirstSiloAsync(storage);
        await using var stopsTheCluster = cluster;
        await using var viaA = await cluster.CreateCacheClientAsync(gateway: cluster.Silos[0], cancellationToken: Token);
        var key = await WriteKeyOwnedByFirstSiloAsync(cluster, viaA, "transit");

        var held = storage.HoldNextChange(key);
        var invalidation = viaA.InvalidateAsync(key, Token);
        await held.Sent.WaitAsync(Watch.Timeout, Token);
        await CutOffFirstSiloAsync(cluster, blindA);
        await using var viaB = await cluster.CreateCacheClientAsync(gateway: cluster.Silos[1], cancellationToken: Token);
        Assert.Equal("v1", await viaB.GetAsync<string>(key, Token));

        held.Release();
        await Assert.ThrowsAnyAsync<OrleansCacheException>(() => invalidation.WaitAsync(Watch.Timeout, Token));
        Assert.Equal("v1", Deserialize(storage.Peek(key)));
        Assert.Equal("v1", await viaB.GetAsync<string>(key, Token));
    }

    [Fact]
    public async Task InvalidationOfAKeyAStaleActivationHoldsAsMissing_IsNotAcknowledged_WhileTheNewOwnersValueStays()
    {
        // Found by the fault-injection runner: a bridge stream message reached a stale activation that held its key as
        // missing; its delete expected nothing and was skipped, so the invalidation was acknowledged (and the message
        // acknowledged on the stream) while the key's new owner kept the value it had written.
        var storage = new SharedCacheEntryStorage();
        var (cluster, blindA) = await StartWithBlindableFirstSiloAsync(storage);
        await using var stopsTheCluster = cluster;
        var a = cluster.Silos[0];
        var b = cluster.Silos[1];
        var keys = Enumerable.Range(0, 40).Select(_ => cluster.KeyOwnedBy<ICacheEntryGrain>(a, "missing")).ToList();
        await using (var reader = await cluster.CreateCacheClientAsync(gateway: a, cancellationToken: Token))
        {
            foreach (var key in keys)
            {
                Assert.Null(await reader.GetAsync<string>(key, Token));
            }
        }

        blindA.Blind = true;
        var c = await cluster.StartSiloWithoutWaitingAsync(Token);
        await WhenViewAsync(b, v => v.Owners.Count == 3);
        var taken = keys.First(k => c.Address.Equals(RendezvousPlacement.SelectOwner(GrainOf(k), c.Silo.View.Owners)));
        await using (var viaC = await cluster.CreateCacheClientAsync(gateway: c, cancellationToken: Token))
        {
            await viaC.SetAsync(taken, "v2", cancellationToken: Token);
        }

        // A client of A that has seen no newer view than A's reaches A's activation, which still holds the key as missing.
        await using var viaA = await cluster.CreateCacheClientAsync(gateway: a, cancellationToken: Token);
        await Assert.ThrowsAnyAsync<OrleansCacheException>(() => viaA.InvalidateAsync(taken, Token).WaitAsync(Watch.Timeout, Token));
        Assert.Equal("v2", Deserialize(storage.Peek(taken)));
    }

    [Fact]
    public async Task ChangeOfAnActivationANewerOneHasClaimed_IsRefused_AndSentAgainToANewActivation()
    {
        var storage = new SharedCacheEntryStorage();
        await using var cluster = await CacheClusters.StartAsync(silos: 1, o => o.ConfigureSilo = s => UseStorage(s, storage));
        var key = CacheClusters.Key();
        await cluster.Cache.SetAsync(key, "v1", cancellationToken: Token);
        var writer = storage.FenceOf(key)!.Value;

        // A newer activation claims the key, as one on a silo with a newer view does by reading it: the activation that
        // wrote "v1" is stale. Its next change is refused; the client sends it again, and a new activation (a later
        // epoch of the same silo) reads storage and makes it.
        var claim = writer with { Sequence = writer.Sequence + 1 };
        storage.Claim(key, claim);
        await cluster.Cache.SetAsync(key, "v2", cancellationToken: Token);

        Assert.Equal("v2", Deserialize(storage.Peek(key)));
        Assert.True(storage.FenceOf(key) >= claim, $"written by {storage.FenceOf(key)}, older than the claim {claim}");
        Assert.Equal(OrleansCache.Client.Caching.OrleansCacheClient.StorageConflictType, typeof(CacheStorageConflictException).FullName);
    }

    /// <summary>
    /// Two silos sharing <paramref name="storage"/>; the first reads the shared membership table through a wrapper the
    /// test can blind.
    /// </summary>
    private static async Task<(TestCluster Cluster, BlindableMembershipTable FirstSilosTable)> StartWithBlindableFirstSiloAsync(SharedCacheEntryStorage storage)
    {
        BlindableMembershipTable? first = null;
        var cluster = await CacheClusters.StartAsync(silos: 2, o => o.ConfigureSilo = s =>
        {
            UseStorage(s, storage);
            first ??= BlindableMembershipTable.WrapRegistered(s.Services);
        });
        return (cluster, first!);
    }

    /// <summary>A key the first silo owns, written as "v1" through <paramref name="viaFirst"/>.</summary>
    private static async Task<string> WriteKeyOwnedByFirstSiloAsync(TestCluster cluster, IOrleansCacheClient viaFirst, string prefix)
    {
        var key = cluster.KeyOwnedBy<ICacheEntryGrain>(cluster.Silos[0], prefix);
        await viaFirst.SetAsync(key, "v1", cancellationToken: Token);
        return key;
    }

    /// <summary>Cuts the first silo off from the table (no reads, no heartbeats) until the second declares it dead.</summary>
    private static async Task CutOffFirstSiloAsync(TestCluster cluster, BlindableMembershipTable firstSilosTable)
    {
        firstSilosTable.Blind = true;
        firstSilosTable.Silent = true;
        await WhenViewAsync(cluster.Silos[1], v => !v.Owners.Any(o => o.Silo.Equals(cluster.Silos[0].Address)));
    }

    private static void UseStorage(OrleansCache.Runtime.ISiloBuilder silo, SharedCacheEntryStorage storage)
    {
        silo.Services.RemoveAll<ICacheEntryStorage>();
        silo.Services.AddSingleton<ICacheEntryStorage>(storage);
    }

    /// <summary>Waits, on view changes, until <paramref name="silo"/>'s view satisfies <paramref name="condition"/>.</summary>
    private static Task WhenViewAsync(TestSilo silo, Func<OrleansCache.Runtime.Membership.MembershipView, bool> condition) =>
        silo.WaitForViewAsync(condition, Watch.Timeout, Token);

    private static OrleansCache.Core.GrainId GrainOf(string key) => new(OrleansCache.Grains.CacheGrainTypes.CacheEntry, key);

    private static string? Deserialize(StoredCacheEntry? entry) =>
        entry is null ? null : System.Text.Json.JsonSerializer.Deserialize<string>(entry.Value);
}
