using Microsoft.Extensions.Hosting;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Runtime.Tests.Infrastructure;

/// <summary>Test clusters hosting the test grains.</summary>
internal static class Clusters
{
    /// <summary>The most any single wait in a test may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Task<TestCluster> StartAsync(int silos, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { InitialSilos = silos };
        configure?.Invoke(options);
        var extra = options.ConfigureSilo;
        options.ConfigureSilo = silo =>
        {
            silo.AddGrain<ISequenceGrain, SequenceGrain>();
            extra?.Invoke(silo);
        };
        return TestCluster.StartAsync(options, TestContext.Current.CancellationToken);
    }
}
