using System.CommandLine;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Values;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Commands;

/// <summary><c>get KEY</c>: prints the value (exit code 3 when the key has none), or with --json its version, expiry and tags too.</summary>
internal static class GetCommand
{
    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string>("KEY") { Description = "The key to read." };
        var command = new Command("get", "Print the value of a key (exit code 3 when it has none).") { key };
        runner.Bind(command, (context, cancellationToken) =>
        {
            var name = context.Parse.GetValue(key)!;
            CacheInputRules.ValidateKey(name, ClusterConnection.MaxKeyLength, "KEY");
            return context.UseClusterAsync(async session =>
            {
                // The key's grain itself rather than the typed API: it also tells the version, expiry and tags. No
                // subscription is registered (Guid.Empty): the tool keeps no copy to be told about.
                var entry = await session.Client.GetGrain<ICacheEntryGrain>(name).GetAsync(Guid.Empty).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
                var decoded = entry.Value is { } bytes ? ValueCodec.Decode(bytes) : null;
                if (context.Settings.Json)
                {
                    await context.WriteJsonAsync(new GetResult(name, entry.Found, decoded?.Text, decoded?.Encoding, entry.Found ? entry.Version.ToString() : null, entry.ExpiresAt, entry.Tags)).ConfigureAwait(false);
                }
                else if (decoded is not null)
                {
                    await context.Out.WriteLineAsync(decoded.Text).ConfigureAwait(false);
                }
                else
                {
                    await context.Console.Error.WriteLineAsync($"{name}: no value").ConfigureAwait(false);
                }

                return entry.Found ? ExitCodes.Ok : ExitCodes.NotFound;
            }, cancellationToken);
        });
        return command;
    }

    private sealed record GetResult(string Key, bool Found, string? Value, string? Encoding, string? Version, DateTimeOffset? ExpiresAt, IReadOnlyList<string> Tags);
}
