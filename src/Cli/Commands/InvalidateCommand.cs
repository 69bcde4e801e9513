using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Output;
using OrleansCache.Cli.Parsing;
using OrleansCache.Cli.Progress;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>invalidate KEY | --pattern P | --tag T | --all</c>: drops values everywhere. Pattern, tag and all run on every
/// silo and may take a while; each silo's progress, as the cluster reports it, shows on stderr meanwhile, and the count of
/// keys that held a value at the end.
/// </summary>
internal static class InvalidateCommand
{
    /// <summary>How long a bulk invalidation may run by default: long enough to walk a large store in bounded batches.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string?>("KEY") { Description = "The key to invalidate.", Arity = ArgumentArity.ZeroOrOne };
        var pattern = new Option<string?>("--pattern") { Description = "Every key matching a glob pattern (* any run, ? one character), e.g. user:123:*.", HelpName = "pattern" };
        var tag = new Option<string?>("--tag") { Description = "Every key stored with this tag.", HelpName = "tag" };
        var all = new Option<bool>("--all") { Description = "Every key." };
        var wait = new Option<TimeSpan>("--wait")
        {
            Description = "How long a pattern, tag or all invalidation may run (connecting is still bounded by --timeout).",
            HelpName = "duration",
            DefaultValueFactory = _ => DefaultWait,
            CustomParser = DurationParser.Parse,
        };
        var command = new Command(
            "invalidate",
            "Invalidate one key, every key matching a pattern, every key with a tag, or every key; every client's copies are dropped. "
            + "Bulk invalidations show each silo's progress on stderr while the silos work (bars on a terminal; lines with --progress otherwise).")
        {
            key, pattern, tag, all, wait,
        };
        runner.Bind(command, (context, cancellationToken) =>
        {
            var target = (Key: context.Parse.GetValue(key), Pattern: context.Parse.GetValue(pattern), Tag: context.Parse.GetValue(tag), All: context.Parse.GetValue(all));
            var given = (target.Key is not null ? 1 : 0) + (target.Pattern is not null ? 1 : 0) + (target.Tag is not null ? 1 : 0) + (target.All ? 1 : 0);
            if (given != 1)
            {
                throw new CliUsageException("invalidate needs exactly one of KEY, --pattern P, --tag T or --all.");
            }

            // Checked before connecting, so a wrong argument is a usage error even when the cluster is down.
            if (target.Key is { } keyToCheck)
            {
                CacheInputRules.ValidateKey(keyToCheck, ClusterConnection.MaxKeyLength, "KEY");
            }

            if (target.Pattern is { } patternToCheck)
            {
                CacheInputRules.ValidatePattern(patternToCheck, ClusterConnection.MaxKeyLength, "--pattern");
            }

            if (target.Tag is { } tagToCheck)
            {
                CacheInputRules.ValidateTag(tagToCheck, "--tag");
            }

            if (target.Key is { } single)
            {
                return context.UseClusterAsync(async session =>
                {
                    await session.Cache.InvalidateAsync(single, cancellationToken).ConfigureAwait(false);
                    await ReportAsync(context, "invalidated", "key", single, count: null).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }, cancellationToken);
            }

            var (kind, argument, label) = target switch
            {
                { Pattern: { } p } => ("pattern", p, $"invalidating keys matching '{p}' on every silo"),
                { Tag: { } t } => ("tag", t, $"invalidating keys tagged '{t}' on every silo"),
                _ => ("all", (string?)null, "invalidating every key on every silo"),
            };
            var bound = context.Parse.GetValue(wait);
            return context.UseClusterAsync(
                session => BulkAsync(context, session, new BulkRequest(kind, argument, label, bound), cancellationToken),
                cancellationToken,
                callTimeout: bound);
        });
        return command;
    }

    /// <summary>Prints what was invalidated (shared with <c>remove</c>).</summary>
    internal static Task ReportAsync(CliContext context, string action, string kind, string? target, long? count, TimeSpan? elapsed = null)
    {
        if (context.Settings.Json)
        {
            return context.WriteJsonAsync(new InvalidateResult(action, kind, target, count, elapsed?.TotalMilliseconds));
        }

        var what = kind switch
        {
            "key" => target!,
            "pattern" => $"{Keys(count)} matching '{target}'",
            "tag" => $"{Keys(count)} tagged '{target}'",
            _ => $"{Keys(count)} (all)",
        };
        var took = elapsed is { } e ? $" in {DurationFormatter.Format(e)}" : string.Empty;
        return context.Out.WriteLineAsync($"{action} {what}{took}");
    }

    /// <summary>
    /// Runs a pattern, tag or all invalidation through <see cref="IBulkInvalidationGrain"/>, showing its reports as they
    /// come (per silo: keys invalidated out of keys to invalidate), and prints the count of the last one.
    /// </summary>
    private static async Task<int> BulkAsync(CliContext context, ClusterSession session, BulkRequest request, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(request.Wait);
        long? count = null;
        try
        {
            await using var view = BulkProgressView.Start(context.Console, context.ShowProgress, request.Label, TimeProvider.System);
            if (Reports(session, request) is { } reports)
            {
                await foreach (var report in reports.WithCancellation(bounded.Token).ConfigureAwait(false))
                {
                    await view.ShowAsync(report).ConfigureAwait(false);
                    count = report.Count ?? count;
                }
            }
            else
            {
                // Silos of a version without the bulk invalidation grain: the count alone, when all is done.
                count = await WithoutProgressAsync(session, request, bounded.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the invalidation did not finish within {DurationFormatter.Format(request.Wait)} (--wait); the cluster goes on with it.");
        }

        if (count is null)
        {
            throw new OrleansCacheException("the cluster ended the invalidation's reports without its count.");
        }

        await ReportAsync(context, "invalidated", request.Kind, request.Argument, count, elapsed.Elapsed).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>The reports of a new bulk invalidation grain (one per operation), or null if the silos have none.</summary>
    private static IAsyncEnumerable<BulkInvalidationProgress>? Reports(ClusterSession session, BulkRequest request)
    {
        IBulkInvalidationGrain grain;
        try
        {
            grain = session.Client.GetGrain<IBulkInvalidationGrain>(Guid.NewGuid());
        }
        catch (ArgumentException)
        {
            // Orleans knows no implementation of the interface: the cluster runs an OrleansCache version without it.
            return null;
        }

        return request.Kind switch
        {
            "pattern" => grain.InvalidatePatternAsync(request.Argument!),
            "tag" => grain.InvalidateTagAsync(request.Argument!),
            _ => grain.InvalidateAllAsync(),
        };
    }

    private static Task<long> WithoutProgressAsync(ClusterSession session, BulkRequest request, CancellationToken cancellationToken) => request.Kind switch
    {
        "pattern" => session.Cache.InvalidateByPatternAsync(request.Argument!, cancellationToken),
        "tag" => session.Cache.InvalidateByTagAsync(request.Argument!, cancellationToken),
        _ => session.Cache.InvalidateAllAsync(cancellationToken),
    };

    private static string Keys(long? count) => count == 1 ? "1 key" : string.Create(CultureInfo.InvariantCulture, $"{count} keys");

    /// <summary>A pattern, tag or all invalidation as asked: what, the stderr label, and how long it may run (--wait).</summary>
    private sealed record BulkRequest(string Kind, string? Argument, string Label, TimeSpan Wait);

    private sealed record InvalidateResult(string Action, string Kind, string? Target, long? Count, double? ElapsedMs);
}
