using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using OrleansCache.Grains.Membership;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>
/// The stall fence on its own, with a fake clock standing in for a frozen process and a fake membership service for the
/// table. The real freeze (SIGSTOP, a silo process, Redis clustering) is <c>ZombieSiloTests</c>.
/// </summary>
public sealed class SiloStallFenceTests : IDisposable
{
    private static readonly SiloAddress Local = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    private readonly FakeTimeProvider _clock = new();
    private readonly FakeMembership _membership = new();
    private readonly SiloStallFence _fence;

    public SiloStallFenceTests()
    {
        var options = Options.Create(new ClusterMembershipOptions { ProbeTimeout = TimeSpan.FromSeconds(1) });
        _fence = new SiloStallFence(_membership, new LocalSilo(), options, _clock, NullLogger<SiloStallFence>.Instance);
        _membership.Status = SiloStatus.Active;
    }

    public void Dispose() => _fence.Dispose();

    [Fact]
    public void Threshold_IsHalfTheProbeTimeout_AndTheTickerTicksFiveTimesWithinIt()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), _fence.StallThreshold);
        Assert.Equal(TimeSpan.FromMilliseconds(100), _fence.TickInterval);
    }

    [Fact]
    public void ARunningSilo_ServesAtOnce_WithoutReadingTheMembership()
    {
        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(_fence.TickInterval);
            _fence.Tick();
            Assert.True(_fence.EnsureTrustedAsync().AsTask().IsCompletedSuccessfully);
        }

        Assert.Equal(0, _membership.Refreshes);
    }

    [Fact]
    public async Task AStallSeenByARead_ReadsTheMembershipFirst_AndServesAfterItShowsTheSiloActive()
    {
        _membership.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.Advance(TimeSpan.FromSeconds(10));

        var read = _fence.EnsureTrustedAsync().AsTask();

        await WaitUntilAsync(() => _membership.Refreshes == 1);
        Assert.False(read.IsCompleted);
        Assert.False(_fence.IsTrusted);
        _membership.Gate.SetResult();
        await read;
        Assert.Equal(1, _membership.Refreshes);
        Assert.True(_fence.IsTrusted);
        Assert.True(_fence.EnsureTrustedAsync().AsTask().IsCompletedSuccessfully);
        Assert.Equal(1, _membership.Refreshes);
    }

    [Fact]
    public async Task AStallSeenByTheTicker_IsNotForgottenWhenItTicksOn()
    {
        _clock.Advance(TimeSpan.FromSeconds(10));
        _fence.Tick();
        _fence.Tick();

        Assert.False(_fence.IsTrusted);
        await _fence.EnsureTrustedAsync();
        Assert.Equal(1, _membership.Refreshes);
    }

    [Fact]
    public async Task ASiloTheMembershipListsAsDead_RefusesToServe()
    {
        _membership.Status = SiloStatus.Dead;
        _clock.Advance(TimeSpan.FromSeconds(10));

        var refused = await Assert.ThrowsAsync<CacheOwnerStalledException>(async () => await _fence.EnsureTrustedAsync());

        Assert.Contains("Dead", refused.Message, StringComparison.Ordinal);
        Assert.False(_fence.IsTrusted);
    }

    [Fact]
    public async Task AMembershipThatCannotBeRead_RefusesToServe_AndTheNextReadTriesAgain()
    {
        _membership.Failure = new InvalidOperationException("the table is unreachable");
        _clock.Advance(TimeSpan.FromSeconds(10));

        var refused = await Assert.ThrowsAsync<CacheOwnerStalledException>(async () => await _fence.EnsureTrustedAsync());
        Assert.Contains("the table is unreachable", refused.Message, StringComparison.Ordinal);
        Assert.Null(refused.InnerException);

        _membership.Failure = null;
        await _fence.EnsureTrustedAsync();
        Assert.Equal(2, _membership.Refreshes);
        Assert.True(_fence.IsTrusted);
    }

    [Fact]
    public async Task ReadsWaitingOnTheSameStall_ShareOneMembershipRead()
    {
        _membership.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.Advance(TimeSpan.FromSeconds(10));

        var reads = Enumerable.Range(0, 10).Select(_ => _fence.EnsureTrustedAsync().AsTask()).ToList();
        await WaitUntilAsync(() => _membership.Refreshes == 1);
        _membership.Gate.SetResult();
        await Task.WhenAll(reads);

        Assert.Equal(1, _membership.Refreshes);
    }

    [Fact]
    public async Task AStallDuringAMembershipRead_IsNotClearedByIt()
    {
        // The first stall's membership read is under way when the process stands still again.
        _membership.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var first = _fence.EnsureTrustedAsync().AsTask();
        await WaitUntilAsync(() => _membership.Refreshes == 1);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _fence.Tick();

        _membership.Gate.SetResult();
        await first;
        Assert.False(_fence.IsTrusted);

        // A read after the second stall may not ride on a membership read that began before it.
        await _fence.EnsureTrustedAsync();
        Assert.Equal(2, _membership.Refreshes);
        Assert.True(_fence.IsTrusted);
    }

    [Fact]
    public async Task AReadAfterAStall_DoesNotRideOnAMembershipReadThatBeganBeforeIt()
    {
        _membership.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var first = _fence.EnsureTrustedAsync().AsTask();
        await WaitUntilAsync(() => _membership.Refreshes == 1);
        _clock.Advance(TimeSpan.FromSeconds(10));

        var second = _fence.EnsureTrustedAsync().AsTask();
        _membership.Gate.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(2, _membership.Refreshes);
    }

    private static Task WaitUntilAsync(Func<bool> condition) =>
        Eventually.TrueAsync(condition, "the fence to start its membership read", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    private sealed class LocalSilo : ILocalSiloDetails
    {
        public string Name => "local";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => Local;

        public SiloAddress GatewayAddress => Local;
    }

    /// <summary>A membership service whose table read can be held, fail, or list this silo with a status.</summary>
    private sealed class FakeMembership : IClusterMembershipService
    {
        private int _refreshes;

        public SiloStatus Status { get; set; }

        public Exception? Failure { get; set; }

        public TaskCompletionSource? Gate { get; set; }

        public int Refreshes => Volatile.Read(ref _refreshes);

        public ClusterMembershipSnapshot CurrentSnapshot => new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(Local, new ClusterMember(Local, Status, "local")),
            new MembershipVersion(1));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public async ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _refreshes);
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            if (Failure is { } failure)
            {
                throw failure;
            }
        }

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }
}
