using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>How <c>services.AddOrleansCacheClient</c> finds the cluster, as configured before the client connects.</summary>
public sealed class ClientGatewayDefaultsTests
{
    [Fact]
    public void ConfigureClientThatChoosesNoClustering_KeepsTheDefaultGateway()
    {
        // An application that traces turns on Orleans' activity propagation, and nothing about clustering.
        using var host = Build(client => client.AddActivityPropagation());

        var gateway = Assert.Single(host.Services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways);
        Assert.Equal(30000, gateway.Port);
    }

    [Fact]
    public void ConfigureClientThatChoosesClustering_IsNotGivenTheDefaultGatewayToo()
    {
        using var host = Build(client => client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, 40000)));

        var gateway = Assert.Single(host.Services.GetRequiredService<IOptions<StaticGatewayListProviderOptions>>().Value.Gateways);
        Assert.Equal(40000, gateway.Port);
    }

    private static IHost Build(Action<IClientBuilder> configureClient)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOrleansCacheClient(configureClient: configureClient);
        return builder.Build();
    }
}
