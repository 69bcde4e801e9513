using System.Text.RegularExpressions;
using OrleansCache.Client;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Cache.Tests.Process;

/// <summary>The README's first command: a real silo process serving the cache, stopped by SIGTERM.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task SiloExecutable_ServesTheCache_AndStopsGracefullyOnSigterm()
    {
        var clusterId = $"smoke-{Guid.NewGuid():N}";
        await using var silo = await SiloProcess.StartAsync("--cluster-id", clusterId, "--silo-port", "0", "--gateway-port", "0");
        var options = new OrleansCacheClientOptions { ClusterId = clusterId };
        options.Gateways.Add(silo.Gateway);
        await using (var writer = OrleansCacheFactory.Create(options))
        await using (var reader = OrleansCacheFactory.Create(options))
        {
            await writer.SetAsync("smoke:1", "works", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("works", await reader.GetAsync<string>("smoke:1", TestContext.Current.CancellationToken));
        }

        await silo.TerminateAsync();

        await silo.WaitForOutputAsync(new Regex("Silo .* stopped", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Equal(0, silo.ExitCode);
    }

    [Fact]
    public async Task SiloExecutable_WithInvalidSettings_ExitsWithAMessageNamingTheSetting()
    {
        await using var silo = SiloProcess.Launch("--silo-port", "70000", "--gateway-port", "0");

        await silo.WaitForExitAsync();

        Assert.NotEqual(0, silo.ExitCode);
        await silo.WaitForOutputAsync(new Regex("SiloPort", RegexOptions.None, TimeSpan.FromSeconds(1)));
    }
}
