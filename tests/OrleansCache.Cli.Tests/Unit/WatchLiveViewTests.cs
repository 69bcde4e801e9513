using System.Threading.Channels;
using OrleansCache.Cli.Watching;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using Spectre.Console.Testing;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class WatchLiveViewTests
{
    [Fact]
    public async Task ShowsTheLatestInvalidationsUnderThePrefix_AndACountOfEachKind()
    {
        using var console = new TestConsole().Interactive().Width(160);
        var events = Channel.CreateUnbounded<WatchEvent>();
        var at = new DateTimeOffset(2026, 12, 3, 17, 28, 43, 616, TimeSpan.Zero);
        events.Writer.TryWrite(new WatchEvent(at, CacheInvalidationKind.Key, "user:7", new CacheVersion(4, 17, 6), null));
        events.Writer.TryWrite(new WatchEvent(at, CacheInvalidationKind.Key, "order:1", new CacheVersion(4, 17, 7), null));
        events.Writer.TryWrite(new WatchEvent(at, CacheInvalidationKind.Pattern, "user:*", null, null));
        events.Writer.TryWrite(new WatchEvent(at, CacheInvalidationKind.Resync, null, null, "feed_closing"));
        events.Writer.Complete();

        await WatchLiveView.ShowAsync(console, events.Reader, "user:", () => 0, TimeProvider.System, TestContext.Current.CancellationToken);

        var output = console.Output;
        Assert.Contains("user:7", output, StringComparison.Ordinal);
        Assert.Contains("4.17.6", output, StringComparison.Ordinal);
        Assert.Contains("user:*", output, StringComparison.Ordinal);
        Assert.Contains("feed_closing: invalidations may have been missed; subscribed again", output, StringComparison.Ordinal);
        Assert.DoesNotContain("order:1", output, StringComparison.Ordinal);
        Assert.Contains("key 1  pattern 1  tag 0  all 0  resync 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepsOnlyTheLatestRows()
    {
        using var console = new TestConsole().Interactive().Width(160).Height(100);
        var events = Channel.CreateUnbounded<WatchEvent>();
        for (var i = 0; i < WatchLiveView.Rows + 5; i++)
        {
            events.Writer.TryWrite(new WatchEvent(DateTimeOffset.UnixEpoch, CacheInvalidationKind.Key, $"k:{i:D3}", new CacheVersion(1, 1, i), null));
        }

        events.Writer.Complete();

        await WatchLiveView.ShowAsync(console, events.Reader, string.Empty, () => 0, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("k:004", console.Output, StringComparison.Ordinal);
        Assert.Contains("k:005", console.Output, StringComparison.Ordinal);
        Assert.Contains($"k:{WatchLiveView.Rows + 4:D3}", console.Output, StringComparison.Ordinal);
        Assert.Contains($"key {WatchLiveView.Rows + 5}", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnAShortTerminal_ListsOnlyTheRowsThatFit_SoItsHeadersStay()
    {
        using var console = new TestConsole().Interactive().Width(160).Height(10);
        var events = Channel.CreateUnbounded<WatchEvent>();
        for (var i = 0; i < 8; i++)
        {
            events.Writer.TryWrite(new WatchEvent(DateTimeOffset.UnixEpoch, CacheInvalidationKind.Key, $"k:{i:D3}", new CacheVersion(1, 1, i), null));
        }

        events.Writer.Complete();

        await WatchLiveView.ShowAsync(console, events.Reader, string.Empty, () => 0, TimeProvider.System, TestContext.Current.CancellationToken);

        // 10 lines: 4 rows, 5 of frame (borders, headers, counts), 1 for the cursor.
        Assert.Contains("TIME", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("k:003", console.Output, StringComparison.Ordinal);
        Assert.Contains("k:004", console.Output, StringComparison.Ordinal);
        Assert.Contains("k:007", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("…", console.Output, StringComparison.Ordinal);
    }
}
