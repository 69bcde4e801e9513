using System.CommandLine;
using System.Globalization;
using OrleansCache.Cli.Membership;
using OrleansCache.Cli.Output;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>members [--all]</c>: the silos of the cluster from Orleans' management grain (the membership table), with
/// status, name, address, gateway, start time and activations (cache entries, and every grain). Dead silos stay in
/// the membership table (a restarted silo is a new generation beside its dead one), so they are left out unless --all.
/// </summary>
internal static class MembersCommand
{
    public static Command Create(CommandRunner runner)
    {
        var all = new Option<bool>("--all") { Description = "Include dead silos (they stay in the membership table)." };
        var command = new Command("members", "List the cluster's silos: address, name, status, gateway, start time, cache-entry and total activations.") { all };
        runner.Bind(command, (context, cancellationToken) => context.UseClusterAsync(async session =>
        {
            var management = session.Client.GetGrain<IManagementGrain>(0);
            var entries = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken).ConfigureAwait(false);
            var statistics = await management.GetSimpleGrainStatistics().WaitAsync(cancellationToken).ConfigureAwait(false);
            var members = MemberReport.Build(entries, statistics, context.Parse.GetValue(all));
            if (context.Settings.Json)
            {
                await context.WriteJsonAsync(new MembersResult(context.Settings.ClusterId, context.Settings.ServiceId, members)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new CliTable("ADDRESS", "NAME", "STATUS", "GATEWAY", "STARTED", "CACHE ENTRIES", "ACTIVATIONS").AlignRight("CACHE ENTRIES", "ACTIVATIONS");
            foreach (var m in members)
            {
                table.Add(
                    m.Address,
                    m.Name,
                    m.Status.ToString(),
                    m.Gateway ?? "-",
                    m.StartTime.ToString("u", CultureInfo.InvariantCulture),
                    Count(m.CacheEntryActivations),
                    Count(m.Activations));
            }

            await table.WriteToAsync(context.Console).ConfigureAwait(false);
            var byStatus = string.Join(", ", members.GroupBy(m => m.Status).OrderBy(g => g.Key).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key}")));
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{members.Count} silo{(members.Count == 1 ? string.Empty : "s")}: {byStatus}")).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private sealed record MembersResult(string ClusterId, string ServiceId, IReadOnlyList<SiloMember> Members);
}
