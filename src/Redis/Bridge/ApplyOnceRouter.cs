using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OrleansCache.Grains.Placement;

namespace OrleansCache.Redis.Bridge;

/// <summary>
/// Picks the one silo that applies a pub/sub message, which every silo receives: the message (channel and bytes) is
/// hashed onto the active silos of the membership view by rendezvous hashing, as partitions are placed.
/// </summary>
/// <remarks>
/// Silos learn of a membership change at slightly different times. For <see cref="RedisBridgeOptions.ViewChangeGrace"/>
/// after a change, a silo also applies the messages it was chosen for under the view before, so around a change two
/// silos may both apply a message (a duplicate invalidation, harmless) but a message is not left to a silo that has
/// already stopped choosing itself, or to one that joined but does not listen yet. A silo always counts itself among
/// the candidates, so one that others do not list yet can only add duplicates.
/// </remarks>
internal sealed partial class ApplyOnceRouter(IClusterMembershipService membership, ILocalSiloDetails local, BridgeSettings settings, TimeProvider time, ILogger<ApplyOnceRouter> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Views? _views;
    private Task _watching = Task.CompletedTask;

    /// <summary>True if this silo applies the message published on <paramref name="channel"/> with <paramref name="payload"/>.</summary>
    public bool IsChosen(string channel, ReadOnlySpan<byte> payload)
    {
        var views = Volatile.Read(ref _views) ?? Observe(membership.CurrentSnapshot);
        var hash = new XxHash3();
        hash.Append(MemoryMarshal.AsBytes(channel.AsSpan()));
        hash.Append(payload);
        var point = (int)hash.GetCurrentHashAsUInt64();
        var self = local.SiloAddress;
        return CachePartitionPlacementDirector.SiloFor(point, views.Current).Equals(self)
            || (views.Previous is { } previous && time.GetTimestamp() < views.PreviousUntil && CachePartitionPlacementDirector.SiloFor(point, previous).Equals(self));
    }

    /// <summary>True while the view before the last change still counts (for tests that wait for a settled view).</summary>
    internal bool UsesPreviousView => Volatile.Read(ref _views) is { Previous: not null } views && time.GetTimestamp() < views.PreviousUntil;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ApplyOnceRouter), ServiceLifecycleStage.ApplicationServices, OnStartAsync, OnStopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        Observe(membership.CurrentSnapshot);
        _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                Observe(snapshot);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Routing still works from CurrentSnapshot; only the "previous view" safety margin is lost.
            LogWatchFailed(logger, ex);
        }
    }

    /// <summary>Takes a membership snapshot: when its active silos differ from the current view, the current one becomes the previous.</summary>
    private Views Observe(ClusterMembershipSnapshot snapshot)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
        active.Add(local.SiloAddress);
        while (true)
        {
            var seen = Volatile.Read(ref _views);
            if (seen is not null && (seen.Version >= snapshot.Version || seen.Current.ToHashSet().SetEquals(active)))
            {
                return seen;
            }

            var graceEnds = time.GetTimestamp() + (long)(settings.Options.ViewChangeGrace.TotalSeconds * time.TimestampFrequency);
            var next = new Views([.. active], seen?.Current, graceEnds, snapshot.Version);
            if (Interlocked.CompareExchange(ref _views, next, seen) == seen)
            {
                LogViewChanged(logger, next.Current.Length, snapshot.Version.Value);
                return next;
            }
        }
    }

    private sealed record Views(SiloAddress[] Current, SiloAddress[]? Previous, long PreviousUntil, MembershipVersion Version);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Debug, Message = "Redis bridge routes pub/sub messages over {Silos} active silos (membership version {Version})")]
    private static partial void LogViewChanged(ILogger logger, int silos, long version);

    [LoggerMessage(EventId = 5212, Level = LogLevel.Warning, Message = "Redis bridge stopped following membership changes")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}
