using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OrleansCache.TestSupport.Http;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Cache.Tests.Process;

/// <summary>The silo executable's HTTP endpoints, switched on from the command line.</summary>
public sealed class SiloHttpProcessTests
{
    [Fact]
    public async Task SiloExecutable_WithHttpSwitches_ServesHealthReadinessMetricsAndTheDashboard()
    {
        await using var silo = await SiloProcess.StartAsync("--cluster-id", $"http-{Guid.NewGuid():N}", "--silo-port", "0", "--gateway-port", "0", "--http", "true", "--http-port", "0");
        var listening = await silo.WaitForOutputAsync(new Regex(@"listen on http://(127\.0\.0\.1:\d+)/", RegexOptions.None, TimeSpan.FromSeconds(1)));
        var endPoint = listening.Groups[1].Value;

        foreach (var (path, body) in new[] { ("/healthz", "alive"), ("/readyz", "ready"), ("/", "<title>OrleansCache</title>") })
        {
            var (status, text, response) = await SiloHttp.SendAsync(endPoint, path, cancellationToken: TestContext.Current.CancellationToken);
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(body, text, StringComparison.Ordinal);
        }

        var metrics = await SiloHttp.ScrapeAsync(endPoint, TestContext.Current.CancellationToken);
        Assert.Equal("gauge", metrics.Families["orleanscache_activations_live"].Type);
        Assert.Equal("counter", metrics.Families["orleanscache_cache_invalidations_published_total"].Type);
        Assert.True(int.Parse(endPoint[(endPoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture) != 8080, "--http-port 0 picks a free port");
    }
}
