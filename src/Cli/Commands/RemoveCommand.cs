using System.CommandLine;
using OrleansCache.Cli.Connection;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Commands;

/// <summary><c>remove KEY</c>: removes the value everywhere (the same as <c>invalidate KEY</c>).</summary>
internal static class RemoveCommand
{
    public static Command Create(CommandRunner runner)
    {
        var key = new Argument<string>("KEY") { Description = "The key to remove." };
        var command = new Command("remove", "Remove a key's value everywhere; every client's copy is dropped.") { key };
        runner.Bind(command, (context, cancellationToken) =>
        {
            var name = context.Parse.GetValue(key)!;
            CacheInputRules.ValidateKey(name, ClusterConnection.MaxKeyLength, "KEY");
            return context.UseClusterAsync(async session =>
            {
                await session.Cache.RemoveAsync(name, cancellationToken).ConfigureAwait(false);
                await InvalidateCommand.ReportAsync(context, "removed", "key", name, count: null).ConfigureAwait(false);
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }
}
