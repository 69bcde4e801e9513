using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Placement;
using Xunit;

namespace OrleansCache.Runtime.Tests.Placement;

public sealed class OwnershipFenceTests
{
    private static readonly SiloAddress Self = new("10.0.0.1", 11111, 1);
    private static readonly SiloAddress Other = new("10.0.0.2", 11111, 1);
    private static readonly SiloAddress Newcomer = new("10.0.0.3", 11111, 1);

    [Fact]
    public void GrainThatMovesToAnotherSilo_IsFenced()
    {
        var before = View(5, (Self, SiloStatus.Active));
        var after = View(6, (Self, SiloStatus.Active), (Newcomer, SiloStatus.Active));
        var moved = Grains().First(g => Newcomer.Equals(RendezvousPlacement.SelectOwner(g, after.Owners)));
        var stayed = Grains().First(g => Self.Equals(RendezvousPlacement.SelectOwner(g, after.Owners)));

        Assert.True(new OwnershipFence(before, after, Self).MayHaveMovedAway(moved));
        Assert.False(new OwnershipFence(before, after, Self).MayHaveMovedAway(stayed));
    }

    [Fact]
    public void SkippedVersions_FenceExactlyTheGrainsASiloNeverSeenActiveWouldHaveTaken()
    {
        // Versions 6 and 7 were never seen here: the newcomer joined, took its grains, and was declared dead.
        var before = View(5, (Self, SiloStatus.Active), (Other, SiloStatus.Active));
        var after = View(8, (Self, SiloStatus.Active), (Other, SiloStatus.Active), (Newcomer, SiloStatus.Dead));
        var meanwhile = View(7, (Self, SiloStatus.Active), (Other, SiloStatus.Active), (Newcomer, SiloStatus.Active));
        var ownedHere = Grains().Where(g => Self.Equals(RendezvousPlacement.SelectOwner(g, after.Owners))).ToList();

        var fenced = ownedHere.Where(g => new OwnershipFence(before, after, Self).MayHaveMovedAway(g)).ToList();

        // Exactly the grains the newcomer owned while it was active: the rest never left this silo.
        var takenMeanwhile = ownedHere.Where(g => Newcomer.Equals(RendezvousPlacement.SelectOwner(g, meanwhile.Owners))).ToList();
        Assert.NotEmpty(takenMeanwhile);
        Assert.Equal(takenMeanwhile, fenced);
        Assert.True(fenced.Count < ownedHere.Count);
    }

    [Fact]
    public void ConsecutiveVersions_FenceOnlyWhatMoved()
    {
        // Every version seen: a silo that only ever joined and died (never active) took nothing.
        var before = View(5, (Self, SiloStatus.Active), (Newcomer, SiloStatus.Joining));
        var after = View(6, (Self, SiloStatus.Active), (Newcomer, SiloStatus.Dead));

        Assert.All(Grains(), g => Assert.False(new OwnershipFence(before, after, Self).MayHaveMovedAway(g)));
    }

    [Fact]
    public void SkippedVersions_ASiloSeenActiveBefore_FencesNothingMore()
    {
        // The other silo was active in the last view seen: whatever it owned, this silo did not, so its death moves
        // grains here and fences none of those this silo already had.
        var before = View(5, (Self, SiloStatus.Active), (Other, SiloStatus.Active));
        var after = View(9, (Self, SiloStatus.Active), (Other, SiloStatus.Dead));
        var ownedBefore = Grains().Where(g => Self.Equals(RendezvousPlacement.SelectOwner(g, before.Owners)));

        Assert.All(ownedBefore, g => Assert.False(new OwnershipFence(before, after, Self).MayHaveMovedAway(g)));
    }

    private static IEnumerable<GrainId> Grains() => Enumerable.Range(0, 400).Select(i => new GrainId("cache", $"user:{i}"));

    private static MembershipView View(long version, params (SiloAddress Silo, SiloStatus Status)[] silos) =>
        new(version, new MembershipSnapshot(version, [.. silos.Select(s => new MembershipEntry { Silo = s.Silo, Status = s.Status })]));
}
