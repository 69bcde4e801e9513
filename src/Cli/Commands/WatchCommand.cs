using System.CommandLine;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Output;
using OrleansCache.Cli.Watching;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>watch [PREFIX]</c>: prints every invalidation as it arrives, one line each, until Ctrl+C. Key invalidations
/// under PREFIX (every key without one) come through a broadcast subscription to every partition's feed; pattern, tag
/// and all invalidations reach every client, so they are printed whatever the prefix. A <c>resync</c> line means the
/// client may have missed invalidations (a gap in a feed, a lost gateway or connection) and subscribed again. On a
/// terminal (stdout, without --json) the invalidations show in a live view instead (<see cref="WatchLiveView"/>).
/// </summary>
internal static class WatchCommand
{
    /// <summary>Lines waiting for a slow stdout; past this, lines are counted and reported as skipped (memory stays bounded).</summary>
    private const int MaxPendingLines = 10_000;

    public static Command Create(CommandRunner runner)
    {
        var prefix = new Argument<string?>("PREFIX") { Description = "Only keys starting with this (default: every key).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("watch", "Print invalidations as they arrive, one line each, until Ctrl+C.") { prefix };
        runner.Bind(command, (context, cancellationToken) =>
        {
            var subscribed = context.Parse.GetValue(prefix) ?? string.Empty;
            return context.UseClusterAsync(session => WatchAsync(context, session, subscribed, cancellationToken), cancellationToken, broadcastPrefixes: [subscribed]);
        });
        return command;
    }

    private static async Task<int> WatchAsync(CliContext context, ClusterSession session, string prefix, CancellationToken cancellationToken)
    {
        var pending = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(MaxPendingLines) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        long skipped = 0;
        void Enqueue(WatchEvent item)
        {
            if (!pending.Writer.TryWrite(item))
            {
                Interlocked.Increment(ref skipped);
            }
        }

        // Raised on the client's delivery path: hand over and return at once. Revalidation events need entries, which
        // a watch never holds; resynchronizations come from the listener instead.
        void OnInvalidated(object? sender, CacheInvalidatedEventArgs e)
        {
            if (e.Kind != CacheInvalidationKind.Resync)
            {
                Enqueue(new WatchEvent(DateTimeOffset.Now, e.Kind, e.Target, e.Version, null));
            }
        }

        var time = session.Services.GetRequiredService<TimeProvider>();
        session.Cache.Invalidated += OnInvalidated;
        using var resyncs = new ResyncListener(
            session.Services.GetRequiredService<IMeterFactory>(),
            reason => Enqueue(new WatchEvent(DateTimeOffset.Now, CacheInvalidationKind.Resync, null, null, reason)),
            time);
        try
        {
            var unsubscribed = await WaitForFeedsAsync(session, cancellationToken).ConfigureAwait(false);
            var what = prefix.Length == 0 ? "every key" : $"keys starting with '{prefix}'";
            await context.Console.Error.WriteLineAsync($"watching invalidations of {what} on {context.Settings.Describe()}; Ctrl+C stops").ConfigureAwait(false);
            if (unsubscribed > 0)
            {
                await context.Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{unsubscribed} of {CachePartitions.Count} partitions are not subscribed yet; their invalidations show once they are")).ConfigureAwait(false);
            }

            await context.Console.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (context.Console.OutIsTerminal && !context.Settings.Json)
            {
                // A person reads stdout: a live view, redrawn in place, instead of lines.
                await WatchLiveView.ShowAsync(context.Console.AnsiOut(), pending.Reader, prefix, () => Interlocked.Exchange(ref skipped, 0), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await foreach (var item in pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (Interlocked.Exchange(ref skipped, 0) is > 0 and var lost)
                {
                    await context.Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{lost} invalidations not shown: output was too slow")).ConfigureAwait(false);
                }

                if (!item.IsShownFor(prefix))
                {
                    continue;
                }

                await context.Out.WriteLineAsync(context.Settings.Json ? FormatJson(item) : FormatText(item)).ConfigureAwait(false);
                await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the way a watch ends.
        }
        finally
        {
            session.Cache.Invalidated -= OnInvalidated;
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Waits until every partition's feed has the subscription (within --timeout), so the "watching" line means what it
    /// says. Returns how many partitions are not subscribed yet (the client keeps trying).
    /// </summary>
    private static async Task<int> WaitForFeedsAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        var feeds = session.CacheClient.Feeds;
        var subscriptions = await Task.WhenAll(Enumerable.Range(0, CachePartitions.Count).Select(p => feeds.TrackerForAsync(p, cancellationToken).AsTask())).ConfigureAwait(false);
        return subscriptions.Count(s => s == Guid.Empty);
    }

    private static string FormatText(WatchEvent e)
    {
        var time = e.Clock;
        return e.Kind switch
        {
            CacheInvalidationKind.Key => $"{time}  key      {e.Target}  version {e.Version}",
            CacheInvalidationKind.Pattern => $"{time}  pattern  {e.Target}",
            CacheInvalidationKind.Tag => $"{time}  tag      {e.Target}",
            CacheInvalidationKind.All => $"{time}  all",
            _ => $"{time}  resync   {e.Reason}: invalidations may have been missed; subscribed again",
        };
    }

    private static string FormatJson(WatchEvent e)
    {
        var line = new WatchLine(e.At, e.KindName, e.Target, e.Version?.ToString(), e.Reason);
        return JsonSerializer.Serialize(line, CliJson.Line);
    }

    private sealed record WatchLine(DateTimeOffset Time, string Kind, string? Target, string? Version, string? Reason);
}
