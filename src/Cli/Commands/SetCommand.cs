using System.CommandLine;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Output;
using OrleansCache.Cli.Parsing;
using OrleansCache.Cli.Values;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Commands;

/// <summary><c>set KEY VALUE [--ttl D] [--tag T]... [--as string|json|raw]</c>: stores a value; every client's older copy is dropped.</summary>
internal static class SetCommand
{
    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string>("KEY") { Description = "The key to write." };
        var value = new Argument<string>("VALUE") { Description = "The value (see --as for how it is stored)." };
        var ttl = new Option<TimeSpan?>("--ttl")
        {
            Description = "How long the value lives (e.g. 30s, 5m, 1h). Default: until invalidated or evicted.",
            HelpName = "duration",
            CustomParser = result => DurationParser.Parse(result),
        };
        var tags = new Option<string[]>("--tag")
        {
            Description = "A tag for 'invalidate --tag'; repeat for more.",
            HelpName = "tag",
        };
        var format = new Option<ValueFormat>("--as")
        {
            Description = "string (default): a JSON string, read by .NET clients as string; json: VALUE is JSON, stored as given; raw: VALUE's UTF-8 bytes unchanged.",
            DefaultValueFactory = _ => ValueFormat.String,
        };
        var command = new Command("set", "Store a value under a key.") { key, value, ttl, tags, format };
        runner.Bind(command, (context, cancellationToken) =>
        {
            var name = context.Parse.GetValue(key)!;
            // Checked before connecting, so a wrong argument is a usage error even when the cluster is down.
            CacheInputRules.ValidateKey(name, ClusterConnection.MaxKeyLength, "KEY");
            CacheInputRules.ValidateTags(context.Parse.GetValue(tags) ?? [], "--tag");
            var bytes = ValueCodec.Encode(context.Parse.GetValue(value)!, context.Parse.GetValue(format));
            var options = new CacheEntryOptions { Ttl = context.Parse.GetValue(ttl), Tags = context.Parse.GetValue(tags) ?? [] };
            return context.UseClusterAsync(async session =>
            {
                await session.Cache.SetAsync(name, new RawValue(bytes), options, cancellationToken).ConfigureAwait(false);
                if (context.Settings.Json)
                {
                    await context.WriteJsonAsync(new SetResult(name, bytes.Length, options.Ttl is { } t ? DurationFormatter.Format(t) : null, [.. options.Tags])).ConfigureAwait(false);
                }
                else
                {
                    var expiry = options.Ttl is { } t ? $", expires in {DurationFormatter.Format(t)}" : string.Empty;
                    await context.Out.WriteLineAsync($"stored {name} ({bytes.Length} bytes{expiry})").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private sealed record SetResult(string Key, int Bytes, string? Ttl, IReadOnlyList<string> Tags);
}
