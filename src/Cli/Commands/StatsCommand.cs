using System.CommandLine;
using System.Globalization;
using OrleansCache.Cli.Output;
using OrleansCache.Cli.Statistics;
using OrleansCache.Core.Management;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>stats</c>: per silo and in total, reads that reached the grains (hits, misses, hit ratio), invalidations
/// published and pushed, calls handled and call latency percentiles. Totals since each silo started.
/// </summary>
internal static class StatsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command(
            "stats",
            "Show each silo's and the cluster's figures since the silos started: grain reads (hits, misses, hit ratio; near-cache hits never reach a silo), "
            + "invalidations published and pushed to clients, calls handled, and call latency p50/p90/p99.");
        runner.Bind(command, (context, cancellationToken) => context.UseClusterAsync(async client =>
        {
            var management = client.Cluster.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey);
            var silos = (await management.GetStatisticsAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).OrderBy(s => s.Address, StringComparer.Ordinal).ToArray();
            var rows = silos.Select(StatsReport.ForSilo).ToArray();
            var total = StatsReport.Total(silos);
            if (context.Settings.Json)
            {
                await context.WriteJsonAsync(new StatsResult(context.Settings.ClusterId, rows, total)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var table = new TextTable("SILO", "HITS", "MISSES", "HIT RATIO", "INV PUBLISHED", "INV PUSHED", "CALLS", "P50 MS", "P90 MS", "P99 MS")
                .AlignRight("HITS", "MISSES", "HIT RATIO", "INV PUBLISHED", "INV PUSHED", "CALLS", "P50 MS", "P90 MS", "P99 MS");
            foreach (var row in rows.Append(total))
            {
                if (row.Error is { } error)
                {
                    table.Add(row.Silo, "?", "?", "?", "?", "?", "?", "?", "?", "?");
                    await context.Console.Error.WriteLineAsync($"{row.Silo} did not answer: {CommandRunner.OneLine(error)}").ConfigureAwait(false);
                    continue;
                }

                table.Add(
                    row.Silo,
                    Count(row.ReadHits),
                    Count(row.ReadMisses),
                    row.HitRatio is { } ratio ? (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-",
                    Count(row.InvalidationsPublished),
                    Count(row.InvalidationsPushed),
                    Count(row.CallsHandled),
                    Milliseconds(row.CallP50Ms),
                    Milliseconds(row.CallP90Ms),
                    Milliseconds(row.CallP99Ms));
            }

            await context.Out.WriteAsync(table.ToString()).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private sealed record StatsResult(string ClusterId, IReadOnlyList<SiloFigures> Silos, SiloFigures Total);
}
