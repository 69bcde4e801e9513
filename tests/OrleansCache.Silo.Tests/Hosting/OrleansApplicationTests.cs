using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using Xunit;

namespace OrleansCache.Silo.Tests.Hosting;

/// <summary>An Orleans application that hosts the cache in its own silo and uses it from its own grains.</summary>
public sealed class OrleansApplicationTests
{
    [Fact]
    public async Task GrainWrite_ThroughInjectedCache_DropsAnExternalClientsNearCopy()
    {
        var ct = TestContext.Current.CancellationToken;
        var (siloPort, gatewayPort) = (FreePorts.Take(), FreePorts.Take());
        var clusterId = $"app-{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, serviceId: new OrleansCacheClientOptions().ServiceId, clusterId: clusterId)
            .AddOrleansCache());
        using var app = builder.Build();
        await app.StartAsync(ct);
        var client = await Clients.StartAsync($"127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}", clusterId);
        try
        {
            var profile = client.Services.GetRequiredService<IClusterClient>().GetGrain<IProfileGrain>("ada");
            await profile.RenameAsync("Ada");
            Assert.Equal("Ada", await profile.GetNameAsync());

            // The external client reads the key the grain wrote, and keeps a near copy of it.
            var cache = client.Cache();
            Assert.Equal("Ada", await cache.GetAsync<string>(ProfileGrain.KeyOf("ada"), ct));
            var dropped = new TaskCompletionSource<CacheInvalidatedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            cache.Invalidated += (_, e) =>
            {
                if (e.Target == ProfileGrain.KeyOf("ada") && e.Dropped > 0)
                {
                    dropped.TrySetResult(e);
                }
            };

            await profile.RenameAsync("Ada Lovelace");

            await dropped.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            Assert.Equal("Ada Lovelace", await cache.GetAsync<string>(ProfileGrain.KeyOf("ada"), ct));
            Assert.Equal("Ada Lovelace", await profile.GetNameAsync());
        }
        finally
        {
            await client.StopQuietlyAsync();
            await app.StopAsync(ct);
        }
    }
}
