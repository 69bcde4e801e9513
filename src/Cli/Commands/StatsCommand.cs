using System.CommandLine;
using System.Globalization;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Output;
using OrleansCache.Cli.Statistics;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>stats</c>: per silo and in total, from <c>ICacheClusterGrain</c>: cache-entry activations, reads that reached the
/// grains (hits, misses, hit ratio), invalidations published, batches sent to clients, and the feeds' round trip to clients.
/// Totals since each silo started.
/// </summary>
internal static class StatsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command(
            "stats",
            "Show each silo's and the cluster's cache figures since the silos started: cache-entry activations, grain reads (hits, misses, hit ratio; near-cache hits never reach a silo), "
            + "invalidations published, batches sent to clients, and the feed-to-client round trip p50/p90/p99.");
        runner.Bind(command, (context, cancellationToken) => context.UseClusterAsync(async session =>
        {
            var reports = await ClusterGrain(session).GetSiloStatsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var silos = reports.OrderBy(s => s.Silo, StringComparer.Ordinal).ToArray();
            var rows = silos.Select(StatsReport.ForSilo).ToArray();
            var total = StatsReport.Total(silos);
            if (context.Settings.Json)
            {
                await context.WriteJsonAsync(new StatsResult(context.Settings.ClusterId, context.Settings.ServiceId, rows, total)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            string[] numbers = ["ENTRIES", "HITS", "MISSES", "HIT RATIO", "INVALIDATIONS", "DELIVERED", "P50 MS", "P90 MS", "P99 MS"];
            var table = new CliTable(["SILO", "NAME", .. numbers]).AlignRight(numbers);
            foreach (var row in rows.Append(total))
            {
                if (row.Error is { } error)
                {
                    table.Add([row.Silo, row.Name ?? "-", .. numbers.Select(_ => "?")]);
                    await context.Console.Error.WriteLineAsync($"{row.Silo} did not answer: {CommandRunner.OneLine(error)}").ConfigureAwait(false);
                    continue;
                }

                table.Add(
                    row.Silo,
                    row.Name ?? "-",
                    Count(row.CacheEntryActivations),
                    Count(row.ReadHits),
                    Count(row.ReadMisses),
                    row.HitRatio is { } ratio ? (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-",
                    Count(row.InvalidationsPublished),
                    Count(row.BatchesSent),
                    Milliseconds(row.Delivery.P50Ms),
                    Milliseconds(row.Delivery.P90Ms),
                    Milliseconds(row.Delivery.P99Ms));
            }

            await table.WriteToAsync(context.Console).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>The cluster grain; silos of a version without it cannot report (Orleans knows no implementation of the interface).</summary>
    private static ICacheClusterGrain ClusterGrain(ClusterSession session)
    {
        try
        {
            return session.Client.GetGrain<ICacheClusterGrain>(0);
        }
        catch (ArgumentException ex)
        {
            throw new OrleansCacheException($"the cluster's silos report no cache figures: they have no {nameof(ICacheClusterGrain)} (an OrleansCache version without it). {ex.Message}", ex);
        }
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private sealed record StatsResult(string ClusterId, string ServiceId, IReadOnlyList<SiloFigures> Silos, SiloFigures Total);
}
