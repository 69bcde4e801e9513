using System.Globalization;
using OrleansCache.Client;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Browser;
using Xunit;

namespace OrleansCache.Runtime.Tests.Http;

/// <summary>The dashboard in a real headless Chromium, against a running three-silo cluster.</summary>
[Collection(BrowserTests.Collection)]
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_ShowsTheClusterSilos_AndItsNumbersMoveWithTraffic()
    {
        await using var cluster = await Clusters.StartAsync(silos: 3, o => o.EnableHttp = true);
        await using var browser = await HeadlessChromium.LaunchAsync(cancellationToken: Token);

        // Any silo's dashboard shows the whole cluster.
        await browser.NavigateAsync(new Uri($"http://{cluster.Silos[1].HttpEndPoint}/"), Token);
        var shown = await browser.WaitForAsync(
            "document.querySelectorAll('#members tbody tr[data-status=\"Active\"]').length === 3 && " +
            "Array.from(document.querySelectorAll('#members tbody tr')).map(r => r.dataset.silo).sort().join(' ')",
            Timeout,
            Token);
        Assert.Equal(string.Join(' ', cluster.Silos.Select(s => s.Address.ToString()).Order(StringComparer.Ordinal)), shown!.GetValue<string>());
        Assert.Equal("3", await TextAsync(browser, "total-silos"));
        var invalidationsBefore = await NumberAsync(browser, "total-invalidations");
        var activationsBefore = await NumberAsync(browser, "total-activations");

        // Writes and invalidations, kept up until the page shows them: the totals grow, a rate and a fan-out latency appear.
        const int FirstBatch = 40;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var firstBatchDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var traffic = Task.Run(() => WriteAndInvalidateAsync(cluster.Cache, FirstBatch, firstBatchDone, stop.Token), Token);
        await firstBatchDone.Task.WaitAsync(Timeout, Token);
        await browser.WaitForAsync(
            $"Number(document.getElementById('total-invalidations').dataset.value) >= {invalidationsBefore + FirstBatch} && " +
            "Number(document.getElementById('invalidation-rate').dataset.value) > 0 && " +
            "document.getElementById('fanout-p99').dataset.value !== ''",
            Timeout,
            Token);
        await stop.CancelAsync();
        await traffic;

        Assert.True(await NumberAsync(browser, "total-activations") >= activationsBefore + 1, "the cache-entry grains are activations");
        var drawn = await browser.EvaluateAsync(
            "(() => { const c = document.getElementById('chart-invalidations'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;" +
            " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; })()",
            Token);
        Assert.True(drawn!.GetValue<int>() > 100, "the invalidation chart has something drawn on it");
        Assert.True(browser.Errors.Count == 0, "The page reported errors: " + string.Join(" | ", browser.Errors));

        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "dashboard.png"), await browser.ScreenshotAsync(Token), Token);
    }

    /// <summary>Sets and invalidates keys until stopped (two invalidations each); signals after the first <paramref name="firstBatch"/>.</summary>
    private static async Task WriteAndInvalidateAsync(IOrleansCache cache, int firstBatch, TaskCompletionSource firstBatchDone, CancellationToken stop)
    {
        var invalidations = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var key = $"dashboard:{invalidations.ToString(CultureInfo.InvariantCulture)}";
                await cache.SetAsync(key, invalidations, cancellationToken: stop);
                await cache.InvalidateAsync(key, stop);
                invalidations += 2;
                if (invalidations >= firstBatch)
                {
                    firstBatchDone.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task<string> TextAsync(HeadlessChromium browser, string id) =>
        (await browser.EvaluateAsync($"document.getElementById('{id}').textContent", Token))!.GetValue<string>();

    private static async Task<double> NumberAsync(HeadlessChromium browser, string id) =>
        double.Parse((await browser.EvaluateAsync($"document.getElementById('{id}').dataset.value", Token))!.GetValue<string>(), CultureInfo.InvariantCulture);
}
