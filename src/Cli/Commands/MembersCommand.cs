using System.CommandLine;
using System.Globalization;
using OrleansCache.Core.Management;
using OrleansCache.Core.Membership;
using OrleansCache.Cli.Output;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>members [--all]</c>: the silos of the cluster with status, generation and live activations. Dead silos stay in
/// the membership table (a restarted silo is a new generation beside its dead one), so they are left out unless --all.
/// </summary>
internal static class MembersCommand
{
    public static Command Create(CommandRunner runner)
    {
        var all = new Option<bool>("--all") { Description = "Include dead silos (they stay in the membership table)." };
        var command = new Command("members", "List the cluster's silos: address, name, status, generation, gateway, activations.") { all };
        runner.Bind(command, (context, cancellationToken) => context.UseClusterAsync(async client =>
        {
            var management = client.Cluster.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey);
            var members = await management.GetMembersAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var shown = members
                .Where(m => context.Parse.GetValue(all) || m.Status != SiloStatus.Dead)
                .OrderBy(m => m.Status == SiloStatus.Dead)
                .ThenBy(m => m.Address, StringComparer.Ordinal)
                .ToArray();
            if (context.Settings.Json)
            {
                await context.WriteJsonAsync(new MembersResult(context.Settings.ClusterId, shown)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new TextTable("ADDRESS", "NAME", "STATUS", "GENERATION", "GATEWAY", "ACTIVATIONS", "STARTED", "LAST HEARTBEAT").AlignRight("GENERATION", "ACTIVATIONS");
            foreach (var m in shown)
            {
                table.Add(
                    m.Address,
                    m.Name,
                    m.Status.ToString(),
                    m.Generation.ToString(CultureInfo.InvariantCulture),
                    m.Gateway ?? "-",
                    m.Activations?.ToString(CultureInfo.InvariantCulture) ?? "?",
                    m.StartTime.ToString("u", CultureInfo.InvariantCulture),
                    m.LastHeartbeat.ToString("u", CultureInfo.InvariantCulture));
            }

            await context.Out.WriteAsync(table.ToString()).ConfigureAwait(false);
            var byStatus = string.Join(", ", shown.GroupBy(m => m.Status).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key}")));
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{shown.Length} silo{(shown.Length == 1 ? string.Empty : "s")}: {byStatus}")).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private sealed record MembersResult(string ClusterId, IReadOnlyList<ClusterMember> Members);
}
