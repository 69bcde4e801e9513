using System.Text.Json;
using Google.Protobuf;
using OrleansCache.Core.Management;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.SiloMessaging;

namespace OrleansCache.Runtime.Management;

/// <summary>
/// Answers management calls for the whole cluster by asking every live silo in parallel. A silo that does not answer
/// within <see cref="SiloTimeout"/> is reported without figures rather than failing the call: operators ask exactly
/// when something is wrong.
/// </summary>
internal sealed class ManagementGrain(MembershipService membership, IMembershipTable table, SiloMessenger messenger) : Grain, IManagementGrain
{
    private static readonly TimeSpan SiloTimeout = TimeSpan.FromSeconds(5);

    public async Task<ClusterMember[]> GetMembersAsync()
    {
        var entries = await CurrentEntriesAsync();
        var activations = await Task.WhenAll(entries.Select(e => AskAsync<int?>(e, ManagementTarget.ActivationsOperation)));
        return [.. entries.Select((e, i) => new ClusterMember
        {
            Address = e.Silo.ToString(),
            Name = e.SiloName,
            Status = e.Status,
            Generation = e.Silo.Generation,
            Gateway = e.GatewayEndPoint,
            StartTime = e.StartTime,
            LastHeartbeat = e.IAmAliveTime,
            Activations = activations[i].Value,
        })];
    }

    public async Task<SiloStatistics[]> GetStatisticsAsync()
    {
        var entries = membership.CurrentView.Snapshot.Entries.Where(IsLive).ToArray();
        var answers = await Task.WhenAll(entries.Select(e => AskAsync<SiloStatistics>(e, ManagementTarget.StatisticsOperation)));
        return [.. entries.Select((e, i) => answers[i].Value ?? new SiloStatistics { Address = e.Silo.ToString(), Error = answers[i].Error })];
    }

    public async Task<RejectedMessage[]> GetRecentRejectionsAsync()
    {
        var entries = membership.CurrentView.Snapshot.Entries.Where(IsLive).ToArray();
        var answers = await Task.WhenAll(entries.Select(e => AskAsync<RejectedMessage[]>(e, ManagementTarget.RejectionsOperation)));
        // A silo that did not answer contributes nothing: this is a sample for operators, not an audit log.
        return [.. answers
            .SelectMany(a => a.Value ?? [])
            .OrderByDescending(r => r.Time)
            .Take(IManagementGrain.MaxRecentRejections)];
    }

    /// <summary>
    /// The table's rows as of now: the view changes only with membership, so its heartbeat times are as old as the last
    /// change. If the table cannot be read in time, the view is the next best answer.
    /// </summary>
    private async Task<IReadOnlyList<MembershipEntry>> CurrentEntriesAsync()
    {
        using var deadline = new CancellationTokenSource(SiloTimeout);
        try
        {
            return (await table.ReadAllAsync(deadline.Token).WaitAsync(SiloTimeout)).Entries;
        }
#pragma warning disable CA1031 // Any failure to read the table falls back to the view; members are still answered.
        catch (Exception)
#pragma warning restore CA1031
        {
            return membership.CurrentView.Snapshot.Entries;
        }
    }

    private static bool IsLive(MembershipEntry entry) => entry.Status is SiloStatus.Active or SiloStatus.ShuttingDown;

    private async Task<(T? Value, string? Error)> AskAsync<T>(MembershipEntry entry, string operation)
    {
        if (!IsLive(entry))
        {
            return (default, $"the silo is {entry.Status}");
        }

        using var deadline = new CancellationTokenSource(SiloTimeout);
        try
        {
            var answer = await messenger.RequestAsync(entry.Silo, ManagementTarget.TargetName, operation, ByteString.Empty, SiloTimeout, deadline.Token);
            return (JsonSerializer.Deserialize<T>(answer.Span), null);
        }
#pragma warning disable CA1031 // Whatever went wrong with one silo becomes that silo's error; the others still answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (default, ex.Message);
        }
    }
}
