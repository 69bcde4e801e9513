using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using OrleansCache.Client;
using OrleansCache.Silo.Hosting;
using OrleansCache.Silo.Options;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Process;

/// <summary>What a silo started with no options at all is, and that a client with no options reaches it.</summary>
public sealed class SiloDefaultsTests
{
    [Fact]
    public void Defaults_WithNoOptions_AreOneLocalSiloOnOrleansPortsMatchingTheClientsDefaults()
    {
        var configuration = SiloConfiguration.Read([]);
        var silo = configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
        var http = configuration.GetSection(HttpEndpointOptions.SectionName).Get<HttpEndpointOptions>() ?? new HttpEndpointOptions();
        var client = new OrleansCacheClientOptions();

        Assert.Equal((11111, 30000, "127.0.0.1"), (silo.SiloPort, silo.GatewayPort, silo.ListenAddress));
        Assert.Null(silo.PrimarySilo);
        Assert.Equal((client.ClusterId, client.ServiceId), (silo.ClusterId, silo.ServiceId));
        Assert.False(http.Enabled);
        Assert.Equal((8080, "127.0.0.1", true), (http.Port, http.ListenAddress, http.Dashboard));
        Assert.False(configuration.GetSection(RedisSettings.SectionName).Get<RedisSettings>()?.Enabled ?? false);
        Assert.False(configuration.GetSection(TlsSettings.SectionName).Get<TlsSettings>()?.Enabled ?? false);
    }
}

/// <summary>The one real run on the default ports: alone, so no other test of this assembly holds them.</summary>
[Collection(Collections.DefaultPorts)]
public sealed class SiloDefaultPortsTests
{
    [Fact]
    public async Task SiloWithNoOptions_ServesAClientWithNoOptions_AndStopsGracefullyOnSigterm()
    {
        Assert.False(FreePorts.InUse(11111) || FreePorts.InUse(30000), "Orleans' default ports 11111 and 30000 must be free for this test (another silo runs on this machine?).");
        await using var silo = await SiloProcess.StartAsync();
        Assert.Equal(30000, silo.GatewayPort);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        Microsoft.Extensions.DependencyInjection.OrleansCacheClientServiceCollectionExtensions.AddOrleansCacheClient(builder.Services);
        using (var client = builder.Build())
        {
            await client.StartAsync(TestContext.Current.CancellationToken);
            await client.Cache().SetAsync("defaults:1", "works", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("works", await client.Cache().GetAsync<string>("defaults:1", TestContext.Current.CancellationToken));
            await client.StopAsync(TestContext.Current.CancellationToken);
        }

        await silo.TerminateAsync();
        Assert.Equal(0, silo.ExitCode);
        await silo.WaitForOutputAsync(new Regex("Silo .* stopped", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Contains(silo.Output, l => l.Contains("gateway port 30000", StringComparison.Ordinal) && l.Contains("silo port 11111", StringComparison.Ordinal));
    }
}
