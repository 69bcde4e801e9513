using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Runs the tool in this process, through its real entry point, with captured output.</summary>
internal static class Tool
{
    /// <summary>An environment without variables: what a test sets is all the tool sees, whatever the machine's.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Runs one command line to its end; the tool sees no environment variables.</summary>
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(NoEnvironment, args);

    /// <summary>
    /// Runs one command line to its end; the tool sees <paramref name="environment"/> as its environment variables.
    /// Tests run in parallel in one process, so none may change the process's own.
    /// </summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new CapturedWriter();
        var error = new CapturedWriter();
        var exitCode = await CliApp.RunAsync(args, new CliConsole(output, error), name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        return new CliResult(exitCode, output.Text, error.Text);
    }

    /// <summary>Starts a command that runs until cancelled (watch); read its output while it runs.</summary>
    public static RunningCli Start(params string[] args) => new(args);

    /// <summary>The connection options for a test cluster: its cluster and service ids and its silos' gateways.</summary>
    public static string[] Connect(OrleansCacheTestCluster cluster) => Connect(cluster, [.. cluster.Silos.Select(s => s.GatewayAddress.Endpoint.ToString())]);

    /// <summary>The connection options for a test cluster, through the given gateways only.</summary>
    public static string[] Connect(OrleansCacheTestCluster cluster, params string[] gateways) =>
        ["--cluster-id", cluster.ClusterId, "--service-id", cluster.Cluster.Options.ServiceId, .. gateways.SelectMany(g => new[] { "--gateway", g })];
}
