using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using OrleansCache.Cli.Output;
using OrleansCache.Client;

namespace OrleansCache.Cli.Commands;

/// <summary>
/// <c>watch [PREFIX]</c>: prints every invalidation as it arrives, one line each, until Ctrl+C. Key invalidations
/// under PREFIX (every key without one) come through a broadcast subscription; pattern, tag and all invalidations
/// reach every client, so they are printed whatever the prefix. A <c>resync</c> line means the connection
/// was interrupted or a silo left, so invalidations may have been missed in between.
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
            return context.UseClusterAsync(client => WatchAsync(context, client, subscribed, cancellationToken), cancellationToken, broadcastPrefixes: [subscribed]);
        });
        return command;
    }

    private static async Task<int> WatchAsync(CliContext context, IOrleansCacheClient client, string prefix, CancellationToken cancellationToken)
    {
        var pending = Channel.CreateBounded<WatchedInvalidation>(new BoundedChannelOptions(MaxPendingLines) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        long skipped = 0;

        // Raised on the connection's read loop: hand over and return at once.
        void OnInvalidated(object? sender, CacheInvalidatedEventArgs e)
        {
            if (!pending.Writer.TryWrite(new WatchedInvalidation(DateTimeOffset.Now, e)))
            {
                Interlocked.Increment(ref skipped);
            }
        }

        client.Invalidated += OnInvalidated;
        try
        {
            var what = prefix.Length == 0 ? "every key" : $"keys starting with '{prefix}'";
            await context.Console.Error.WriteLineAsync($"watching invalidations of {what} on {context.Settings.Describe()}; Ctrl+C stops").ConfigureAwait(false);
            await context.Console.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var item in pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (Interlocked.Exchange(ref skipped, 0) is > 0 and var lost)
                {
                    await context.Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{lost} invalidations not shown: output was too slow")).ConfigureAwait(false);
                }

                if (!IsShown(item.Event, prefix))
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
            client.Invalidated -= OnInvalidated;
        }

        return ExitCodes.Ok;
    }

    /// <summary>Key invalidations outside the prefix are dropped (the gateway also sends those of keys this client touched).</summary>
    private static bool IsShown(CacheInvalidatedEventArgs e, string prefix) =>
        e.Kind != CacheInvalidationKind.Key || e.Target!.StartsWith(prefix, StringComparison.Ordinal);

    private static string FormatText(WatchedInvalidation item)
    {
        var e = item.Event;
        var time = item.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return e.Kind switch
        {
            CacheInvalidationKind.Key => $"{time}  key      {e.Target}  version {e.Version}",
            CacheInvalidationKind.Pattern => $"{time}  pattern  {e.Target}",
            CacheInvalidationKind.Tag => $"{time}  tag      {e.Target}",
            CacheInvalidationKind.All => $"{time}  all",
            _ => $"{time}  resync   invalidations may have been missed (reconnected or a silo left)",
        };
    }

    private static string FormatJson(WatchedInvalidation item)
    {
        var e = item.Event;
        var line = new WatchLine(item.At, JsonNamingPolicy.CamelCase.ConvertName(e.Kind.ToString()), e.Target, e.Version?.ToString());
        return JsonSerializer.Serialize(line, CliJson.Line);
    }

    private sealed record WatchedInvalidation(DateTimeOffset At, CacheInvalidatedEventArgs Event);

    private sealed record WatchLine(DateTimeOffset Time, string Kind, string? Target, string? Version);
}
