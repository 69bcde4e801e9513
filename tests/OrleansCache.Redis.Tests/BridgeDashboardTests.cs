using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Core.Management;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Browser;
using OrleansCache.TestSupport.Http;
using StackExchange.Redis;
using Xunit;

namespace OrleansCache.Redis.Tests;

/// <summary>Rejected bridge messages, as operators see them: counted in /metrics, listed by the management grain and the dashboard.</summary>
[Collection(BrowserTests.Collection)]
public sealed class BridgeDashboardTests(RedisServer redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RejectedBridgeMessages_AreCountedByReason_AndShownOnTheDashboardAsText()
    {
        var id = Guid.NewGuid().ToString("N");
        var channel = $"cache:invalidate:{id}";
        await using var cluster = await TestCluster.StartAsync(silos: 3, o =>
        {
            o.EnableHttp = true;
            o.ConfigureSilo = silo =>
            {
                silo.Services.Configure<RedisOptions>(r =>
                {
                    r.ConnectionString = redis.ConnectionString;
                    r.KeyPrefix = $"test:{id}:";
                });
                silo.AddRedisInvalidationBridge(b =>
                {
                    b.Channels.Clear();
                    b.Channels.Add(channel);
                });
            };
        }, Token);
        await using var browser = await HeadlessChromium.LaunchAsync(cancellationToken: Token);
        await browser.NavigateAsync(new Uri($"http://{cluster.Silos[0].HttpEndPoint}/"), Token);
        await browser.WaitForAsync("document.querySelectorAll('#members tbody tr[data-status=\"Active\"]').length === 3", Timeout, Token);

        // A message whose text is markup, as an attacker would send it: it must come out as text, never as an element.
        const string Hostile = "<img src=x onerror=\"window.__pwned=1\">";
        using var publisher = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(Timeout, Token);
        var subscriber = publisher.GetSubscriber();
        Assert.Equal(3, await subscriber.PublishAsync(channel, $$"""{"action":"{{Hostile.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}"""));
        Assert.Equal(3, await subscriber.PublishAsync(channel, """{"action":"all","surprise":1}"""));

        // Every silo hears every message: each counts it, by path and reason. (No valid message here: other tests of
        // this assembly count accepted bridge messages across the process and expect only their own.)
        string[] endPoints = [.. cluster.Silos.Select(s => s.HttpEndPoint!)];
        var scrapes = await SiloHttp.ScrapeUntilAsync(
            endPoints,
            s => s.All(m => m.Sum("orleanscache_bridge_messages_rejected_total") == 2),
            "two rejected messages on every silo",
            Token);
        Assert.All(scrapes, s =>
        {
            Assert.Equal(1, s.Sum("orleanscache_bridge_messages_rejected_total", ("path", "canonical"), ("reason", "UnknownAction")));
            Assert.Equal(1, s.Sum("orleanscache_bridge_messages_rejected_total", ("path", "canonical"), ("reason", "UnknownField")));
            Assert.Equal("counter", s.Families["orleanscache_bridge_messages_accepted_total"].Type);
            Assert.Equal(0, s.Sum("orleanscache_bridge_messages_accepted_total"));
        });

        // The management grain lists each silo's rejections, newest first.
        var recent = await cluster.Client.GetGrain<IManagementGrain>(IManagementGrain.DefaultKey).GetRecentRejectionsAsync();
        Assert.Equal(6, recent.Length);
        Assert.Equal(recent.OrderByDescending(r => r.Time).Select(r => r.Time), recent.Select(r => r.Time));
        Assert.Equal(cluster.Silos.Select(s => s.Address.ToString()).Order(StringComparer.Ordinal), recent.Select(r => r.Silo).Distinct().Order(StringComparer.Ordinal));
        Assert.All(recent, r => Assert.Equal("redis-bridge/canonical", r.Source));
        Assert.All(recent, r => Assert.Equal(channel, r.Channel));
        Assert.Equal(3, recent.Count(r => r.Reason == "UnknownAction" && r.Preview.Contains("<img src=x", StringComparison.Ordinal)));

        // The dashboard shows them as text: the markup is visible, and no element or script came of it.
        var shown = await browser.WaitForAsync(
            "document.querySelectorAll('#rejections tbody tr').length === 6 && " +
            "Array.from(document.querySelectorAll('#rejections td.preview')).map(td => td.textContent).find(t => t.includes('<img src=x'))",
            Timeout,
            Token);
        Assert.Contains("onerror", shown!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('#rejections img').length", Token))!.GetValue<int>());
        Assert.Equal("undefined", (await browser.EvaluateAsync("typeof window.__pwned", Token))!.GetValue<string>());
        await browser.WaitForAsync("Number(document.getElementById('total-rejected').dataset.value) === 6", Timeout, Token);
        Assert.True(browser.Errors.Count == 0, "The page reported errors: " + string.Join(" | ", browser.Errors));

        await KeepTrafficForScreenshotAsync(cluster, browser);
    }

    /// <summary>
    /// With ORLEANSCACHE_DASHBOARD_SCREENSHOT set to a file path, keeps traffic going for a while so the charts have a
    /// history, then saves a screenshot there (how docs/dashboard.png is made). Without it, does nothing.
    /// </summary>
    private static async Task KeepTrafficForScreenshotAsync(TestCluster cluster, HeadlessChromium browser)
    {
        var path = Environment.GetEnvironmentVariable("ORLEANSCACHE_DASHBOARD_SCREENSHOT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var polls = (await browser.EvaluateAsync("Number(document.body.dataset.polls)", Token))!.GetValue<int>();
        var stop = Task.Run(() => browser.WaitForAsync($"Number(document.body.dataset.polls) >= {polls + 45}", TimeSpan.FromMinutes(2), Token), Token);
        var random = new Random(42);
        for (var i = 0; !stop.IsCompleted; i++)
        {
            var key = $"screenshot:{random.Next(2000).ToString(CultureInfo.InvariantCulture)}";
            await cluster.Cache.SetAsync(key, i, cancellationToken: Token);
            if (i % 3 == 0)
            {
                await cluster.Cache.InvalidateAsync(key, Token);
            }

            // Uneven load, so the charts show some shape (a pause that shapes traffic, not one that waits for anything).
            if (i % 200 == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(50, 400)), Token);
            }
        }

        await stop;
        await File.WriteAllBytesAsync(path, await browser.ScreenshotAsync(Token), Token);
    }
}
