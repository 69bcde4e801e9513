using OrleansCache.Client;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

public sealed class NearCacheTests
{
    private static readonly CacheVersion V1 = new(1, 1, 1);
    private static readonly CacheVersion V2 = new(1, 1, 2);
    private static readonly CacheVersion V3 = new(2, 1, 1);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Fill_ThenGet_Hits()
    {
        var near = Create();
        Fill(near, "k", V1);
        Assert.True(near.TryGet("k", out var entry));
        Assert.Equal(V1, entry.Version);
    }

    [Fact]
    public void InvalidationDuringFill_WithNewerVersion_KeepsTheOlderResultOut()
    {
        var near = Create();
        var ticket = near.BeginFill("k");
        near.Invalidate("k", V2);
        Assert.Null(near.CompleteFill(ticket, Entry(V1)));
        Assert.False(near.TryPeek("k", out _));
    }

    [Fact]
    public void InvalidationDuringFill_WithSameVersion_LetsTheResultIn()
    {
        var near = Create();
        var ticket = near.BeginFill("k");
        near.Invalidate("k", V2);
        Assert.NotNull(near.CompleteFill(ticket, Entry(V2)));
    }

    [Fact]
    public void OlderFill_NeverReplacesNewerEntry()
    {
        var near = Create();
        Fill(near, "k", V3);
        Assert.Null(near.CompleteFill(near.BeginFill("k"), Entry(V1)));
        Assert.True(near.TryGet("k", out var entry));
        Assert.Equal(V3, entry.Version);
    }

    [Fact]
    public void Invalidate_DropsOlderCopy_KeepsSameOrNewer()
    {
        var near = Create();
        Fill(near, "old", V1);
        Fill(near, "same", V2);
        Assert.Equal(1, near.Invalidate("old", V2));
        Assert.Equal(0, near.Invalidate("same", V2));
        Assert.False(near.TryPeek("old", out _));
        Assert.True(near.TryGet("same", out _));
    }

    [Fact]
    public void MissingResult_DropsOlderCopy()
    {
        var near = Create();
        Fill(near, "k", V1);
        Assert.Null(near.CompleteFill(near.BeginFill("k"), CacheEntry.Missing(V2)));
        Assert.False(near.TryPeek("k", out _));
    }

    [Fact]
    public void Distrust_StopsServing_UntilConfirmed_AndDropsChanged()
    {
        var near = Create();
        var (same, changed, elsewhere) = (InPartition(0, "same"), InPartition(0, "changed"), InPartition(1, "elsewhere"));
        Fill(near, same, V1);
        Fill(near, changed, V1);
        Fill(near, elsewhere, V1);

        var (epoch, entries) = near.Distrust(0);

        Assert.Equal(2, entries.Count);
        Assert.False(near.TryGet(same, out _));
        Assert.True(near.TryGet(elsewhere, out _), "Another partition's entries must stay served.");
        Assert.True(near.Confirm(same, V1, epoch));
        Assert.False(near.Confirm(changed, V2, epoch));
        Assert.True(near.TryGet(same, out _));
        Assert.False(near.TryPeek(changed, out _));
    }

    [Fact]
    public void Confirm_FromAnOlderDistrust_IsIgnored()
    {
        var near = Create();
        Fill(near, "k", V1);
        var (first, _) = near.Distrust(P("k"));
        near.Distrust(P("k"));
        Assert.False(near.Confirm("k", V1, first));
        Assert.False(near.TryGet("k", out _));
    }

    [Fact]
    public void Distrust_VoidsFillsInFlight()
    {
        var near = Create();
        var ticket = near.BeginFill("k");
        var other = near.BeginFill(InPartition((P("k") + 1) % CachePartitions.Count, "other"));
        near.Distrust(P("k"));
        Assert.Null(near.CompleteFill(ticket, Entry(V3)));
        Assert.NotNull(near.CompleteFill(other, Entry(V3)));
    }

    [Fact]
    public void VoidedFillOfANewerVersion_DropsTheOlderCopy_SoALateConfirmCannotServeItAgain()
    {
        // Found by the fault-injection runner (Redis paused: the bridge reconnects, clients resync): a read returned V2
        // to its caller while a resync voided its fill; the revalidation's answer, taken before V2 was written, then
        // confirmed the V1 copy, and the client's next read went back to V1.
        var near = Create();
        Fill(near, "k", V1);
        var read = near.BeginFill("k");
        var (epoch, _) = near.Distrust(P("k"));

        Assert.Null(near.CompleteFill(read, Entry(V2)));
        near.Confirm("k", V1, epoch);

        Assert.False(near.TryGet("k", out var served) && served.Version < V2, "A copy older than a version the client already returned is served.");
    }

    [Fact]
    public void Entry_ExpiresAtDefaultTtl_OrEarlierClusterExpiry()
    {
        var near = Create(ttl: TimeSpan.FromMinutes(5));
        Fill(near, "default", V1);
        near.CompleteFill(near.BeginFill("short"), new CacheEntry([1], V1, _clock.GetUtcNow().AddMinutes(1), []));

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True(near.TryGet("default", out _));
        Assert.False(near.TryGet("short", out _));

        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(near.TryGet("default", out _));
    }

    [Fact]
    public void FillWithLocalTtl_ExpiresAtTheSmallestOfIt_TheDefaultTtl_AndTheClusterExpiry()
    {
        var near = Create(ttl: TimeSpan.FromMinutes(5));
        near.CompleteFill(near.BeginFill("local", TimeSpan.FromSeconds(30)), new CacheEntry([1], V1, _clock.GetUtcNow().AddHours(1), []));
        near.CompleteFill(near.BeginFill("cluster", TimeSpan.FromMinutes(2)), new CacheEntry([1], V1, _clock.GetUtcNow().AddMinutes(1), []));
        near.CompleteFill(near.BeginFill("default", TimeSpan.FromHours(1)), Entry(V1));

        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.False(near.TryGet("local", out _));
        Assert.True(near.TryGet("cluster", out _));

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(near.TryGet("cluster", out _));
        Assert.True(near.TryGet("default", out _));

        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(near.TryGet("default", out _));
    }

    [Fact]
    public void VoidedFill_InsertsNothing_ButStillDropsTheOlderCopy()
    {
        var near = Create();
        Fill(near, "k", V1);
        var ticket = near.BeginFill("k");
        near.VoidFill(ticket);

        Assert.Null(near.CompleteFill(ticket, Entry(V2)));
        Assert.False(near.TryPeek("k", out _));
    }

    [Fact]
    public void Capacity_IsBounded_EvictingLeastRecentlyUsed()
    {
        var near = Create(maxEntries: 100);
        for (var i = 0; i < 100; i++)
        {
            Fill(near, $"k{i}", V1);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(near.TryGet("k0", out _)); // now the most recently used
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        for (var i = 100; i < 300; i++)
        {
            Fill(near, $"k{i}", V1);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.InRange(near.Count, 1, 100);
        Assert.False(near.TryPeek("k1", out _));
        Assert.True(near.TryPeek("k299", out _));
    }

    [Fact]
    public void InvalidateWhere_DropsMatches_AndVoidsFillsItCannotRuleOut()
    {
        var near = Create();
        Fill(near, "feed:1", V1);
        Fill(near, "user:1", V1);
        var feedFill = near.BeginFill("feed:2");
        var userFill = near.BeginFill("user:2");

        Assert.Equal(1, near.InvalidateWhere(e => GlobPattern.IsMatch("feed:*", e.Key), k => GlobPattern.IsMatch("feed:*", k)));

        Assert.Null(near.CompleteFill(feedFill, Entry(V1)));
        Assert.NotNull(near.CompleteFill(userFill, Entry(V1)));
        Assert.True(near.TryGet("user:1", out _));
    }

    [Fact]
    public void DropPartition_DropsItsEntriesAndVoidsItsFills_Only()
    {
        var near = Create();
        var (a, b) = (InPartition(3, "a"), InPartition(4, "b"));
        Fill(near, a, V1);
        Fill(near, b, V1);
        var fill = near.BeginFill(InPartition(3, "c"));

        Assert.Equal(1, near.DropPartition(3));

        Assert.False(near.TryPeek(a, out _));
        Assert.True(near.TryGet(b, out _));
        Assert.Null(near.CompleteFill(fill, Entry(V1)));
    }

    [Fact]
    public void VoidFill_KeepsItsResultOut()
    {
        var near = Create();
        var ticket = near.BeginFill("k");
        near.VoidFill(ticket);
        Assert.Null(near.CompleteFill(ticket, Entry(V1)));
        Assert.False(near.TryPeek("k", out _));
    }

    private static int P(string key) => CachePartitions.Of(key);

    /// <summary>A key starting with <paramref name="prefix"/> in <paramref name="partition"/>.</summary>
    private static string InPartition(int partition, string prefix) =>
        Enumerable.Range(0, 10_000).Select(i => $"{prefix}:{i}").First(k => P(k) == partition);

    private NearCache Create(int maxEntries = 1000, TimeSpan? ttl = null) =>
        new(new NearCacheOptions { MaxEntries = maxEntries, DefaultTtl = ttl ?? TimeSpan.FromMinutes(5) }, _clock);

    private static void Fill(NearCache near, string key, CacheVersion version) =>
        Assert.NotNull(near.CompleteFill(near.BeginFill(key), Entry(version)));

    private static CacheEntry Entry(CacheVersion version) => new([1, 2, 3], version, null, []);
}
