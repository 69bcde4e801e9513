using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansCache.Silo.Http;
using OrleansCache.TestSupport.Http;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Http;

/// <summary>
/// Microsoft's Orleans dashboard at <c>/orleans/</c> over plain HTTP: the operator access rule covers its page and its
/// JSON routes, each page keeps its own Content-Security-Policy, and the setting turns it off.
/// </summary>
public sealed class OrleansDashboardHttpTests
{
    /// <summary>The page, its redirect, and JSON and streaming routes of the package (which has no authentication of its own).</summary>
    private static readonly string[] ProtectedPaths =
    [
        "/orleans", "/orleans/", "/orleans/index.html", "/orleans/index.min.js", "/orleans/DashboardCounters", "/orleans/ClusterStats",
        "/orleans/GrainTypes", "/orleans/GrainState?grainId=0&grainType=OrleansCache.Grains.Management.CacheClusterGrain", "/orleans/Trace",
    ];

    [Fact]
    public async Task OrleansDashboard_FromAnotherMachine_NeedsTheToken_LikeOurPage()
    {
        var address = MachineAddress.NonLoopbackIPv4();
        Assert.SkipWhen(address is null, "This machine has no non-loopback IPv4 address to call from.");
        var ct = TestContext.Current.CancellationToken;
        const string Token = "an-orleans-dashboard-token-0123456789";
        var httpPort = FreePorts.Take();
        var endPoint = $"{address}:{Text(httpPort)}";
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { ["ORLEANSCACHE_Http__Token"] = Token },
            "--cluster-id", $"odash-token-{Guid.NewGuid():N}", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()),
            "--http", "true", "--http-listen", address!.ToString(), "--http-port", Text(httpPort), "--orleans-dashboard", "true");

        // The caller's address is the machine's own non-loopback address: not loopback, as another machine's would be.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = SiloHttp.Timeout };
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, endPoint, "/", null, ct));
        foreach (var path in ProtectedPaths)
        {
            Assert.Equal((path, HttpStatusCode.Unauthorized), (path, await StatusAsync(http, endPoint, path, null, ct)));
            Assert.Equal((path, HttpStatusCode.Unauthorized), (path, await StatusAsync(http, endPoint, path, "not-the-token-but-long-enough", ct)));
        }

        // With the token: the page, its redirect, and its data (the log stream is left out: it answers for an hour).
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, endPoint, "/", Token, ct));
        Assert.Equal(HttpStatusCode.MovedPermanently, await StatusAsync(http, endPoint, "/orleans", Token, ct));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, endPoint, "/orleans/", Token, ct));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, endPoint, "/orleans/index.min.js", Token, ct));
        Assert.Equal("Active", await ActiveHostAsync(http, endPoint, Token, ct));

        await silo.TerminateAsync();
        Assert.DoesNotContain(silo.Output, l => l.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrleansDashboard_ServedWithItsOwnPolicy_OursKeepsTheStrictOne_AndEachLinksToTheOther()
    {
        var ct = TestContext.Current.CancellationToken;
        var httpPort = FreePorts.Take();
        var endPoint = $"127.0.0.1:{Text(httpPort)}";
        await using var silo = await SiloProcess.StartAsync("--cluster-id", $"odash-{Guid.NewGuid():N}", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort), "--orleans-dashboard", "true");

        var (status, body, response) = await SiloHttp.SendAsync(endPoint, "/orleans/", cancellationToken: ct);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(OrleansDashboardPage.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("<title>Orleans Dashboard</title>", body, StringComparison.Ordinal);
            Assert.Contains("id=\"orleanscache-dashboard\"", body, StringComparison.Ordinal);
        }

        (status, _, response) = await SiloHttp.SendAsync(endPoint, "/orleans/DashboardCounters", cancellationToken: ct);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(OrleansDashboardPage.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        }

        (status, body, response) = await SiloHttp.SendAsync(endPoint, "/", cancellationToken: ct);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(DashboardAssets.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("href=\"orleans/\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OrleansDashboard_TurnedOff_Is404_AndOurPageDoesNotLinkToIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var httpPort = FreePorts.Take();
        var endPoint = $"127.0.0.1:{Text(httpPort)}";
        await using var silo = await SiloProcess.StartAsync("--cluster-id", $"odash-off-{Guid.NewGuid():N}", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort), "--orleans-dashboard", "false");

        foreach (var path in ProtectedPaths)
        {
            var (status, _, response) = await SiloHttp.SendAsync(endPoint, path, cancellationToken: ct);
            response.Dispose();
            Assert.Equal((path, HttpStatusCode.NotFound), (path, status));
        }

        var (pageStatus, page, pageResponse) = await SiloHttp.SendAsync(endPoint, "/", cancellationToken: ct);
        pageResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains("<title>OrleansCache</title>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("orleans/", page, StringComparison.Ordinal);
        Assert.Contains(silo.Output, l => l.Contains("Orleans dashboard: False", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrleansDashboard_WithOursTurnedOff_IsServedWithoutTheLinkBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var httpPort = FreePorts.Take();
        var endPoint = $"127.0.0.1:{Text(httpPort)}";
        await using var silo = await SiloProcess.StartAsync("--cluster-id", $"odash-alone-{Guid.NewGuid():N}", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort), "--dashboard", "false", "--orleans-dashboard", "true");

        var (status, body, response) = await SiloHttp.SendAsync(endPoint, "/orleans/", cancellationToken: ct);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(OrleansDashboardPage.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("<div id=\"brand-header\"></div>", body, StringComparison.Ordinal);
            Assert.DoesNotContain("orleanscache-dashboard", body, StringComparison.Ordinal);
        }

        (status, _, response) = await SiloHttp.SendAsync(endPoint, "/", cancellationToken: ct);
        response.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task OrleansDashboard_AnOpenLogStream_DoesNotHoldUpAGracefulStop()
    {
        var ct = TestContext.Current.CancellationToken;
        var httpPort = FreePorts.Take();
        await using var silo = await SiloProcess.StartAsync("--cluster-id", $"odash-stop-{Guid.NewGuid():N}", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort), "--orleans-dashboard", "true");

        // The Log Stream page's request: the package answers it for an hour.
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{Text(httpPort)}/orleans/Trace"), HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var streamed = new StringBuilder();
        while (!streamed.ToString().Contains("log streaming service", StringComparison.Ordinal))
        {
            streamed.AppendLine(await reader.ReadLineAsync(ct) ?? throw new InvalidOperationException($"The log stream ended at once: {streamed}"));
        }

        // A stop takes a second or two; held up by the open request it took the host's whole shutdown timeout (30 s).
        await silo.TerminateAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, silo.ExitCode);
        await reader.ReadToEndAsync(ct).WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public void Pages_LinkToEachOther_OnlyWhenBothAreServed()
    {
        var withLink = Encoding.UTF8.GetString(DashboardAssets.ByPath(linkOrleansDashboard: true)["/"].Content);
        var withoutLink = Encoding.UTF8.GetString(DashboardAssets.ByPath(linkOrleansDashboard: false)["/"].Content);
        Assert.Contains("<a id=\"orleans-dashboard\"", withLink, StringComparison.Ordinal);
        Assert.DoesNotContain("orleans", withoutLink, StringComparison.Ordinal);
        Assert.Contains("<span id=\"served-by\" class=\"served-by\"></span>", withoutLink, StringComparison.Ordinal);

        // The package's page (from the package version restored) still has the spot our link goes to.
        var orleansPage = Encoding.UTF8.GetString(OrleansDashboardPage.PageWithLinkBack() ?? []);
        Assert.Contains("<div id=\"brand-header\"></div><a id=\"orleanscache-dashboard\"", orleansPage, StringComparison.Ordinal);
        Assert.Contains("href=\"../\"", orleansPage, StringComparison.Ordinal);
    }

    /// <summary>
    /// The status of the one silo in <c>/orleans/DashboardCounters</c>, asked until it lists one: the dashboard's grain
    /// fills its list a moment after the silo starts.
    /// </summary>
    private static async Task<string?> ActiveHostAsync(HttpClient http, string endPoint, string token, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SiloHttp.Timeout;
        while (true)
        {
            using var request = Get(endPoint, "/orleans/DashboardCounters", token);
            using var response = await http.SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var counters = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var hosts = counters.RootElement.GetProperty("hosts").EnumerateArray().ToList();
            if (hosts.Count == 1 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(hosts).GetProperty("status").GetString();
            }

            // The dashboard's grain refreshes its view on its own schedule; ask again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static HttpRequestMessage Get(string endPoint, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{endPoint}{path}"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string endPoint, string path, string? token, CancellationToken cancellationToken)
    {
        using var request = Get(endPoint, path, token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.StatusCode;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
