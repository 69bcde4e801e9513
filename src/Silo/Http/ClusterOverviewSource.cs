using System.Text.Json;
using Orleans.Runtime;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Silo.Http;

/// <summary>
/// Builds the dashboard's view of the cluster: members from Orleans' membership table (through the management grain),
/// figures from <see cref="ICacheClusterGrain"/>, so any silo's dashboard shows every silo. One build runs at a time
/// and its result serves every request for <see cref="MaxAge"/>: however many browsers poll, a silo asks the cluster at
/// most a few times a second.
/// </summary>
internal sealed class ClusterOverviewSource(IGrainFactory grains, ILocalSiloDetails local, TimeProvider time) : IDisposable
{
    /// <summary>How the page's JSON is written.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        var hosts = grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        var figures = grains.GetGrain<ICacheClusterGrain>(0).GetSiloStatsAsync();
        await Task.WhenAll(hosts, figures).ConfigureAwait(false);
        var members = (await hosts.ConfigureAwait(false))
            .Select(m => new ClusterMemberView(
                m.SiloAddress.ToParsableString(),
                m.SiloName,
                m.Status.ToString(),
                m.SiloAddress.Generation,
                m.ProxyPort > 0 ? $"{m.SiloAddress.Endpoint.Address}:{m.ProxyPort}" : null,
                new DateTimeOffset(DateTime.SpecifyKind(m.StartTime, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(m.IAmAliveTime, DateTimeKind.Utc))))
            .ToList();
        return new ClusterOverview(
            local.SiloAddress.ToParsableString(),
            time.GetUtcNow(),
            members,
            [.. (await figures.ConfigureAwait(false)).Select(SiloFiguresView.From)]);
    }

    private sealed record Answer(ClusterOverview Overview, long Timestamp);
}
