using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Placement;
using Xunit;

namespace OrleansCache.Runtime.Tests.Placement;

public sealed class RendezvousPlacementTests
{
    private static readonly List<PlacementCandidate> ThreeSilos =
    [
        new(new SiloAddress("10.0.0.1", 11111, 1)),
        new(new SiloAddress("10.0.0.2", 11111, 1)),
        new(new SiloAddress("10.0.0.3", 11111, 1)),
    ];

    [Fact]
    public void StableHash_IsFixedAcrossProcessesAndRuns()
    {
        // Placement must agree between processes and versions: these values may never change.
        // Reference values computed independently (FNV-1a over UTF-16 code units, then SplitMix64's finalizer).
        Assert.Equal(0x5692161D100B05E5UL, StableHash.Mix(1));
        Assert.Equal(0x24667E9DF0F345DEUL, StableHash.Of("user:1"));
        Assert.NotEqual(StableHash.Of("ab", "c"), StableHash.Of("a", "bc"));
    }

    [Fact]
    public void SelectOwner_SameViewInAnyOrder_GivesSameOwner()
    {
        var reversed = Enumerable.Reverse(ThreeSilos).ToList();
        for (var i = 0; i < 200; i++)
        {
            var grain = new GrainId("t", $"k{i}");
            Assert.Equal(RendezvousPlacement.SelectOwner(grain, ThreeSilos), RendezvousPlacement.SelectOwner(grain, reversed));
        }
    }

    [Fact]
    public void SelectOwner_SpreadsGrainsOverSilos()
    {
        var counts = Enumerable.Range(0, 3000)
            .GroupBy(i => RendezvousPlacement.SelectOwner(new GrainId("t", $"user:{i}"), ThreeSilos))
            .ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void SelectOwner_WhenASiloLeaves_OnlyItsGrainsMove()
    {
        var leaving = ThreeSilos[1].Silo;
        var remaining = ThreeSilos.Where(c => !c.Silo.Equals(leaving)).ToList();
        for (var i = 0; i < 1000; i++)
        {
            var grain = new GrainId("t", $"user:{i}");
            var before = RendezvousPlacement.SelectOwner(grain, ThreeSilos)!;
            var after = RendezvousPlacement.SelectOwner(grain, remaining)!;
            if (!before.Equals(leaving))
            {
                Assert.Equal(before, after);
            }
        }
    }

    [Fact]
    public void SelectOwner_NoSilos_IsNull()
    {
        Assert.Null(RendezvousPlacement.SelectOwner(new GrainId("t", "k"), []));
    }
}
