using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using OrleansCache.Client.Caching;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Interfaces;
using OrleansCache.Grains.Storage;

namespace OrleansCache.Grains.Bulk;

/// <summary>
/// A bulk invalidation that reports progress (<see cref="IBulkInvalidationGrain"/>): the coordinator's work
/// (<see cref="BulkInvalidation"/>), with the keys counted per silo as they are invalidated. One activation per
/// operation, on the silo that received the call; the stream's state (Orleans keeps an <c>IAsyncEnumerable</c>'s
/// enumerator in the activation that returned it) lives there until the caller has read the last report.
/// </summary>
/// <remarks>
/// The work is started apart from the stream: a caller that stops reading (Ctrl+C, a lost connection) stops the
/// reports, not the invalidation, which ends as an unanswered coordinator call would.
/// </remarks>
[GrainType(CacheGrainTypes.BulkInvalidationName), PreferLocalPlacement]
internal sealed class BulkInvalidationGrain(
    ICacheEntryStorage storage,
    InvalidationPublisher publisher,
    CacheGrainReferences references,
    IOptions<CacheSiloOptions> options,
    IClusterMembershipService membership,
    TimeProvider time) : Grain, IBulkInvalidationGrain
{
    /// <summary>How often a report is sent while keys are being invalidated (and only if something changed).</summary>
    internal static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    // A wrong pattern or tag fails the first report (the planning checks it), before any key is touched.
    public IAsyncEnumerable<BulkInvalidationProgress> InvalidatePatternAsync(string pattern) => ReportAsync(bulk => bulk.PlanPatternAsync(pattern));

    public IAsyncEnumerable<BulkInvalidationProgress> InvalidateTagAsync(string tag) => ReportAsync(bulk => bulk.PlanTagAsync(tag));

    public IAsyncEnumerable<BulkInvalidationProgress> InvalidateAllAsync() => ReportAsync(bulk => bulk.PlanAllAsync());

    private async IAsyncEnumerable<BulkInvalidationProgress> ReportAsync(
        Func<BulkInvalidation, Task<BulkInvalidationPlan>> plan,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.SiloAddress)
            .ToList();
        var tracker = new SiloProgressTracker(silos);
        var work = RunAsync(plan, tracker);
        try
        {
            var last = tracker.Report();
            yield return last;
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(ReportInterval, time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                var report = tracker.Report();
                if (!work.IsCompleted && !SameCounts(report, last))
                {
                    last = report;
                    yield return report;
                }
            }

            yield return tracker.Report(await work);
        }
        finally
        {
            // A caller that left early never sees the work's outcome: observe it, so a failure is not left unobserved.
            _ = work.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);
        }
    }

    private async Task<long> RunAsync(Func<BulkInvalidation, Task<BulkInvalidationPlan>> plan, SiloProgressTracker tracker)
    {
        var bulk = new BulkInvalidation(storage, publisher, options.Value, references);
        var planned = await plan(bulk);
        tracker.Plan(planned.Keys);
        return await bulk.RunAsync(planned, tracker.Invalidated);
    }

    private static bool SameCounts(BulkInvalidationProgress a, BulkInvalidationProgress b) =>
        a.Silos.Count == b.Silos.Count && a.Silos.SequenceEqual(b.Silos);
}
