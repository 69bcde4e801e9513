using System.Text.Json;
using OrleansCache.Cli.Connection;
using OrleansCache.Cli.Output;

namespace OrleansCache.Cli.Commands;

/// <summary>What a running command needs: where to write, the global settings, and its own parsed arguments.</summary>
internal sealed class CliContext(CliConsole console, ConnectionSettings settings, System.CommandLine.ParseResult parse)
{
    public CliConsole Console { get; } = console;

    public ConnectionSettings Settings { get; } = settings;

    public System.CommandLine.ParseResult Parse { get; } = parse;

    public TextWriter Out => Console.Out;

    /// <summary>True when progress should be shown: a person watches stderr, or --progress asked for it.</summary>
    public bool ShowProgress => Settings.Progress || Console.ErrorIsTerminal;

    /// <summary>Connects (failing fast when the cluster is unreachable), runs <paramref name="body"/>, and closes the connection.</summary>
    public async Task<int> UseClusterAsync(
        Func<ClusterSession, Task<int>> body,
        CancellationToken cancellationToken,
        TimeSpan? callTimeout = null,
        IReadOnlyList<string>? broadcastPrefixes = null)
    {
        var session = await ClusterConnection.ConnectAsync(Settings, cancellationToken, callTimeout, broadcastPrefixes).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            return await body(session).ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="value"/> as one indented JSON document.</summary>
    public Task WriteJsonAsync<T>(T value) => Out.WriteLineAsync(JsonSerializer.Serialize(value, CliJson.Document));
}
