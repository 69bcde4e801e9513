using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Http;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Http;

/// <summary>The executable's HTTP endpoints: health, readiness, Prometheus metrics, the dashboard's data, and access.</summary>
public sealed class SiloHttpTests
{
    [Fact]
    public async Task Endpoints_ServeHealthReadinessMetricsAndDashboard_AndReadinessFailsWhileStopping()
    {
        var ct = TestContext.Current.CancellationToken;
        var clusterId = $"http-{Guid.NewGuid():N}";
        var httpPort = FreePorts.Take();
        var endPoint = $"127.0.0.1:{Text(httpPort)}";
        await using var silo = await SiloProcess.StartAsync("--cluster-id", clusterId, "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort));
        var client = await Clients.StartAsync(silo.Gateway, clusterId);
        try
        {
            await client.Cache().SetAsync("http:1", "v", cancellationToken: ct);
            Assert.Equal("v", await client.Cache().GetAsync<string>("http:1", ct));
            // The writer reads its own write from its near-cache; a key it never held reaches the grain (and is counted).
            Assert.Null(await client.Cache().GetAsync<string>("http:missing", ct));
        }
        finally
        {
            await client.StopQuietlyAsync();
        }

        var (status, body, response) = await SiloHttp.SendAsync(endPoint, "/healthz", cancellationToken: ct);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        using (var health = JsonDocument.Parse(body))
        {
            Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
            Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("process").GetProperty("status").GetString());
        }

        (status, body, response) = await SiloHttp.SendAsync(endPoint, "/readyz", cancellationToken: ct);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        using (var ready = JsonDocument.Parse(body))
        {
            var cluster = ready.RootElement.GetProperty("checks").GetProperty("cluster");
            Assert.Equal("Active", cluster.GetProperty("data").GetProperty("status").GetString());
        }

        var metrics = await SiloHttp.ScrapeUntilAsync(endPoint, m => m.Families.ContainsKey("orleanscache_cache_reads_total"), "orleanscache_cache_reads_total", ct);
        Assert.Equal("counter", metrics.Families["orleanscache_cache_reads_total"].Type);
        Assert.Contains(metrics.Families.Keys, f => f.StartsWith("orleanscache_", StringComparison.Ordinal));
        Assert.Contains(metrics.Families.Keys, f => f.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.True(metrics.Sum("orleanscache_cache_entries_active") >= 1);

        (status, body, response) = await SiloHttp.SendAsync(endPoint, "/api/cluster", cancellationToken: ct);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        using (var overview = JsonDocument.Parse(body))
        {
            var member = Assert.Single(overview.RootElement.GetProperty("members").EnumerateArray());
            Assert.Equal("Active", member.GetProperty("status").GetString());
            var figures = Assert.Single(overview.RootElement.GetProperty("silos").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, figures.GetProperty("error").ValueKind);
            Assert.True(figures.GetProperty("readsHit").GetDouble() + figures.GetProperty("readsMiss").GetDouble() >= 0);
        }

        (status, body, response) = await SiloHttp.SendAsync(endPoint, "/", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<title>OrleansCache</title>", body, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        response.Dispose();

        // SIGTERM: the silo leaves the cluster while HTTP still answers, and readiness says so.
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", silo.Id.ToString(CultureInfo.InvariantCulture)]);
        var sawNotReady = false;
        while (!silo.HasExited && !sawNotReady)
        {
            try
            {
                (status, _, response) = await SiloHttp.SendAsync(endPoint, "/readyz", cancellationToken: ct);
                response.Dispose();
                sawNotReady = status == HttpStatusCode.ServiceUnavailable;
            }
            catch (HttpRequestException)
            {
                // The port closed: the stop is over.
                break;
            }
        }

        await silo.WaitForExitAsync();
        Assert.True(sawNotReady, "/readyz never answered 503 while the silo stopped");
        Assert.Equal(0, silo.ExitCode);
    }

    [Fact]
    public async Task MetricsAndDashboard_FromAnotherMachine_NeedTheToken_HealthDoesNot()
    {
        var address = MachineAddress.NonLoopbackIPv4();
        Assert.SkipWhen(address is null, "This machine has no non-loopback IPv4 address to call from.");
        var ct = TestContext.Current.CancellationToken;
        const string Token = "a-test-token-of-32-characters-xx";
        var httpPort = FreePorts.Take();
        var endPoint = $"{address}:{Text(httpPort)}";
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { ["ORLEANSCACHE_Http__Token"] = Token },
            "--cluster-id", $"token-{Guid.NewGuid():N}", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()),
            "--http", "true", "--http-listen", address!.ToString(), "--http-port", Text(httpPort));

        // The caller's address is the machine's own non-loopback address: not loopback, as another machine's would be.
        var (status, _, response) = await SiloHttp.SendAsync(endPoint, "/healthz", cancellationToken: ct);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _, response) = await SiloHttp.SendAsync(endPoint, "/metrics", cancellationToken: ct);
        response.Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{endPoint}/api/cluster"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var authorized = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);

        await silo.TerminateAsync();
        Assert.DoesNotContain(silo.Output, l => l.Contains(Token, StringComparison.Ordinal));
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
