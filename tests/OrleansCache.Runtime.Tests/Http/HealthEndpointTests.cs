using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Http;
using OrleansCache.Runtime.Membership;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Http;
using Xunit;

namespace OrleansCache.Runtime.Tests.Http;

public sealed class HealthEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_IsNotReadyUntilTheSiloJoined_ReadyWhileItServes_AndNotReadyAgainWhileItLeaves()
    {
        var table = new GatedMembershipTable(new InMemoryMembershipTable());
        using var host = BuildSilo(table);
        var http = host.Services.GetRequiredService<SiloHttpServer>();

        var starting = host.StartAsync(Token);
        var endPoint = (await http.Bound.WaitAsync(Clusters.Timeout, Token)).ToString();
        await table.JoinReached.WaitAsync(Clusters.Timeout, Token);

        // Bound and alive, but not a member yet.
        await AssertAnswerAsync(endPoint, "/healthz", HttpStatusCode.OK, "alive");
        await AssertAnswerAsync(endPoint, "/readyz", HttpStatusCode.ServiceUnavailable, "starting");
        await AssertAnswerAsync(endPoint, "/api/cluster", HttpStatusCode.ServiceUnavailable, "starting");
        Assert.False(starting.IsCompleted);

        table.ReleaseJoin();
        await starting.WaitAsync(Clusters.Timeout, Token);
        await AssertAnswerAsync(endPoint, "/readyz", HttpStatusCode.OK, "ready");
        await AssertAnswerAsync(endPoint, "/healthz", HttpStatusCode.OK, "alive");

        // Leaving: held while it marks itself ShuttingDown; already not ready, still alive.
        var stopping = host.StopAsync(Token);
        await table.LeaveReached.WaitAsync(Clusters.Timeout, Token);
        await AssertAnswerAsync(endPoint, "/readyz", HttpStatusCode.ServiceUnavailable, "stopping");
        await AssertAnswerAsync(endPoint, "/healthz", HttpStatusCode.OK, "alive");

        table.ReleaseLeave();
        await stopping.WaitAsync(Clusters.Timeout, Token);
        await Assert.ThrowsAsync<HttpRequestException>(() => SiloHttp.SendAsync(endPoint, "/healthz", cancellationToken: Token));
    }

    [Fact]
    public async Task Endpoints_AnswerOnlyTheirPaths_AndOnlyGetAndHead()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.EnableHttp = true);
        var endPoint = cluster.Silos[0].HttpEndPoint!;

        await AssertAnswerAsync(endPoint, "/nothing-here", HttpStatusCode.NotFound, "not found");
        await AssertAnswerAsync(endPoint, "/metrics/extra", HttpStatusCode.NotFound, "not found");
        await AssertAnswerAsync(endPoint, "/HEALTHZ", HttpStatusCode.NotFound, "not found");
        var (status, _, response) = await SiloHttp.SendAsync(endPoint, "/metrics", HttpMethod.Post, Token);
        using (response)
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
            Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        }

        (status, var body, response) = await SiloHttp.SendAsync(endPoint, "/readyz", HttpMethod.Head, Token);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Empty(body);
        }
    }

    [Fact]
    public async Task Http_IsOffByDefault_NoPortIsBound()
    {
        Assert.False(new SiloHttpOptions().Enabled);
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var silo = cluster.Silos[0];

        Assert.Null(silo.HttpEndPoint);
        var http = silo.Services.GetRequiredService<SiloHttpServer>();
        Assert.Null(http.EndPoint);
        Assert.False(http.Bound.IsCompleted);
    }

    [Fact]
    public async Task ApiCluster_OnAnySilo_ShowsEverySiloOfTheCluster()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3, o => o.EnableHttp = true);
        var expected = cluster.Silos.Select(s => s.Address.ToString()).Order(StringComparer.Ordinal).ToList();

        foreach (var silo in cluster.Silos)
        {
            var (status, body, response) = await SiloHttp.SendAsync(silo.HttpEndPoint!, "/api/cluster", cancellationToken: Token);
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            Assert.Equal(silo.Address.ToString(), root.GetProperty("silo").GetString());
            Assert.Equal(expected, root.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(root.GetProperty("members").EnumerateArray(), m => Assert.Equal("Active", m.GetProperty("status").GetString()));
            Assert.Equal(expected, root.GetProperty("silos").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
            Assert.Empty(root.GetProperty("rejections").EnumerateArray());
        }
    }

    private static IHost BuildSilo(IMembershipTable table)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.UseOrleansCacheSilo(silo =>
        {
            silo.Services.RemoveAll<IMembershipTable>();
            silo.Services.AddSingleton<IMembershipTable>(table);
            silo.Configure(o =>
            {
                o.ClusterId = $"ready-{Guid.NewGuid():N}";
                o.SiloPort = 0;
                o.GatewayPort = 0;
            });
            silo.ConfigureMembership(m =>
            {
                m.ProbeInterval = TimeSpan.FromMilliseconds(200);
                m.DeathTimeout = TimeSpan.FromSeconds(2);
            });
            silo.ConfigureHttp(h =>
            {
                h.Enabled = true;
                h.Port = 0;
            });
        });
        return builder.Build();
    }

    private static async Task AssertAnswerAsync(string endPoint, string path, HttpStatusCode expected, string bodyStart)
    {
        var (status, body, response) = await SiloHttp.SendAsync(endPoint, path, cancellationToken: Token);
        response.Dispose();
        Assert.Equal(expected, status);
        Assert.Contains(bodyStart, body, StringComparison.Ordinal);
    }
}
