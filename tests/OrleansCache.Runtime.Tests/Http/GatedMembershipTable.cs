using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.Tests.Http;

/// <summary>
/// A membership table that holds a silo at two moments of its life until the test lets it go: joining (inserting its
/// row) and leaving (marking itself ShuttingDown).
/// </summary>
internal sealed class GatedMembershipTable(IMembershipTable inner) : IMembershipTable
{
    private readonly TaskCompletionSource _joinReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joinReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _leaveReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _leaveReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the silo tries to insert its row.</summary>
    public Task JoinReached => _joinReached.Task;

    /// <summary>Completes when the silo tries to mark itself ShuttingDown.</summary>
    public Task LeaveReached => _leaveReached.Task;

    public void ReleaseJoin() => _joinReleased.TrySetResult();

    public void ReleaseLeave() => _leaveReleased.TrySetResult();

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default) => inner.ReadAllAsync(cancellationToken);

    public async Task<bool> TryInsertAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        _joinReached.TrySetResult();
        await _joinReleased.Task.WaitAsync(cancellationToken);
        return await inner.TryInsertAsync(entry, cancellationToken);
    }

    public async Task<bool> TryUpdateAsync(MembershipEntry entry, string expectedETag, CancellationToken cancellationToken = default)
    {
        if (entry.Status == SiloStatus.ShuttingDown)
        {
            _leaveReached.TrySetResult();
            await _leaveReleased.Task.WaitAsync(cancellationToken);
        }

        return await inner.TryUpdateAsync(entry, expectedETag, cancellationToken);
    }

    public Task<bool> HeartbeatAsync(SiloAddress silo, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.HeartbeatAsync(silo, now, cancellationToken);

    public Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => inner.DeleteDefunctAsync(olderThan, cancellationToken);

    public Task EnsureVersionAtLeastAsync(long version, CancellationToken cancellationToken = default) => inner.EnsureVersionAtLeastAsync(version, cancellationToken);
}
