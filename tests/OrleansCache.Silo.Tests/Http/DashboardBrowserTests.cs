using System.Globalization;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Browser;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Http;

/// <summary>The dashboard page in a real browser (Debian's Chromium, headless, over the DevTools protocol).</summary>
[Collection(BrowserTests.Collection)]
public sealed class DashboardBrowserTests
{
    [Fact]
    public async Task Dashboard_ShowsBothSilosWithTheirEntries_WithoutScriptErrors()
    {
        var ct = TestContext.Current.CancellationToken;
        var clusterId = $"dash-{Guid.NewGuid():N}";
        var (siloA, httpPort) = (FreePorts.Take(), FreePorts.Take());
        await using var first = await SiloProcess.StartAsync("--cluster-id", clusterId, "--name", "silo-a", "--silo-port", Text(siloA), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort));
        await using var second = await SiloProcess.StartAsync("--cluster-id", clusterId, "--name", "silo-b", "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--primary", $"127.0.0.1:{Text(siloA)}");
        var client = await Clients.StartAsync(first.Gateway, clusterId);
        var reader = await Clients.StartAsync(second.Gateway, clusterId);
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await client.Cache().SetAsync($"dashboard:{i}", i, cancellationToken: ct);
            }

            // Reads from another client reach the grains (the writer's own reads would be near-cache hits).
            for (var i = 0; i < 60; i++)
            {
                await reader.Cache().TryGetAsync<int>($"dashboard:{i}", ct);
            }

            await using var browser = await HeadlessChromium.LaunchAsync(cancellationToken: ct);
            await browser.NavigateAsync(new Uri($"http://127.0.0.1:{Text(httpPort)}/"), ct);

            // Two polls, both silos listed as active, and the 40 entries spread over them.
            await browser.WaitForAsync("Number(document.body.dataset.polls || 0) >= 2", TimeSpan.FromSeconds(30), ct);
            await browser.WaitForAsync("document.querySelectorAll('#members tbody tr[data-status=Active]').length === 2", TimeSpan.FromSeconds(30), ct);
            var entries = await browser.WaitForAsync(
                "(() => { const t = [...document.querySelectorAll('#members td[data-field=entries]')].reduce((s, c) => s + Number(c.dataset.value || 0), 0); return t >= 40 ? t : 0; })()",
                TimeSpan.FromSeconds(30), ct);
            Assert.True(entries!.GetValue<double>() >= 40);
            Assert.Equal("live", (await browser.EvaluateAsync("document.getElementById('status').textContent", ct))!.GetValue<string>());
            Assert.Empty(browser.Errors);

            // A few more polls with traffic between them, so the screenshot's charts have lines.
            for (var poll = 3; poll <= 6; poll++)
            {
                await client.Cache().InvalidateAsync([.. Enumerable.Range(0, 10).Select(i => $"dashboard:{i + (poll * 10)}")], ct);
                await browser.WaitForAsync($"Number(document.body.dataset.polls || 0) >= {poll}", TimeSpan.FromSeconds(30), ct);
            }

            // The screenshot is taken every run (it must work); it is saved only where asked (docs/dashboard.png comes
            // from ORLEANSCACHE_DASHBOARD_SCREENSHOT=$PWD/docs/dashboard.png), so a test run leaves the checkout alone.
            var screenshot = await browser.ScreenshotAsync(ct);
            Assert.NotEmpty(screenshot);
            if (Environment.GetEnvironmentVariable("ORLEANSCACHE_DASHBOARD_SCREENSHOT") is { Length: > 0 } path)
            {
                await File.WriteAllBytesAsync(path, screenshot, ct);
            }
        }
        finally
        {
            await reader.StopQuietlyAsync();
            await client.StopQuietlyAsync();
        }
    }

    [Fact]
    public async Task Dashboard_ShowsASiloNameWithMarkupAsText()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Name = "<img src=x id=injected-img onerror=\"document.body.dataset.injected=1\"><b id=injected-b>bold</b> & \"quoted\"";
        var httpPort = FreePorts.Take();
        await using var silo = await SiloProcess.StartAsync("--cluster-id", $"dash-{Guid.NewGuid():N}", "--name", Name, "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort));
        await using var browser = await HeadlessChromium.LaunchAsync(cancellationToken: ct);
        await browser.NavigateAsync(new Uri($"http://127.0.0.1:{Text(httpPort)}/"), ct);

        // The name appears, character for character, as the text of a members cell; no element was made of it.
        var literal = System.Text.Json.JsonSerializer.Serialize(Name);
        await browser.WaitForAsync($"[...document.querySelectorAll('#members td')].some(td => td.textContent === {literal})", TimeSpan.FromSeconds(30), ct);
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('#injected-img, #injected-b').length", ct))!.GetValue<int>());
        Assert.Null(await browser.EvaluateAsync("document.body.dataset.injected ?? null", ct));
        Assert.Empty(browser.Errors);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
