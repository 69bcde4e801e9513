using OrleansCache.Core;
using OrleansCache.Core.Management;
using OrleansCache.Runtime.Hosting;

namespace OrleansCache.Runtime.Http;

/// <summary>
/// Builds the dashboard's view of the cluster through the management grain, so any silo's dashboard shows every silo.
/// One build runs at a time and its result serves every request for <see cref="MaxAge"/>: however many browsers poll,
/// a silo asks the cluster at most a few times a second.
/// </summary>
internal sealed class ClusterOverviewSource(IGrainFactory grains, LocalSiloDetails local, TimeProvider time) : IDisposable
{
    /// <summary>How long one answer is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest a request waits for the cluster's answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _building = new(1, 1);
    private volatile Answer? _last;

    /// <exception cref="TimeoutException">The cluster did not answer within <see cref="Timeout"/>.</exception>
    public async Task<ClusterOverview> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        if (!await _building.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException("Another request has been asking the cluster for too long.");
        }

        try
        {
            if (Fresh() is { } built)
            {
                return built;
            }

            var overview = await BuildAsync().WaitAsync(Timeout, time, cancellationToken).ConfigureAwait(false);
            _last = new Answer(overview, time.GetTimestamp());
            return overview;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private ClusterOverview? Fresh() =>
        _last is { } last && time.GetElapsedTime(last.Timestamp) < MaxAge ? last.Overview : null;

    private async Task<ClusterOverview> BuildAsync()
    {
        var management = grains.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey);
        var members = management.GetMembersAsync();
        var statistics = management.GetStatisticsAsync();
        var rejections = management.GetRecentRejectionsAsync();
        await Task.WhenAll(members, statistics, rejections).ConfigureAwait(false);
        return new ClusterOverview
        {
            Silo = local.Address.ToString(),
            Time = time.GetUtcNow(),
            Members = await members.ConfigureAwait(false),
            Silos = [.. (await statistics.ConfigureAwait(false)).Select(SiloOverview.From)],
            Rejections = await rejections.ConfigureAwait(false),
        };
    }

    private sealed record Answer(ClusterOverview Overview, long Timestamp);
}
