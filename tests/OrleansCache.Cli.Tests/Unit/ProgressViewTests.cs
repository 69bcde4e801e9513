using Microsoft.Extensions.Time.Testing;
using OrleansCache.Cli.Progress;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.Grains.Interfaces;
using Spectre.Console.Testing;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

public sealed class ProgressViewTests
{
    private static readonly BulkInvalidationProgress Collecting = new([], null);

    [Fact]
    public async Task Plain_PrintsTheLabel_ThenAtMostOneLineASecond_AndAlwaysTheLast()
    {
        var error = new CapturedWriter();
        var time = new FakeTimeProvider();

        await using (var view = new PlainProgressView(error, "invalidating keys matching 'a:*' on every silo", time))
        {
            await view.ShowAsync(Collecting);
            await view.ShowAsync(Report(null, ("silo-a", 10, 30), ("silo-b", 0, 20)));
            time.Advance(TimeSpan.FromMilliseconds(400));
            await view.ShowAsync(Report(null, ("silo-a", 20, 30), ("silo-b", 5, 20)));
            time.Advance(TimeSpan.FromMilliseconds(600));
            await view.ShowAsync(Report(null, ("silo-a", 25, 30), ("silo-b", 15, 20)));
            await view.ShowAsync(Report(50, ("silo-a", 30, 30), ("silo-b", 20, 20)));
        }

        Assert.Equal(
            [
                "invalidating keys matching 'a:*' on every silo ...",
                "progress: 10/50 keys  silo-a 10/30  silo-b 0/20",
                "progress: 40/50 keys  silo-a 25/30  silo-b 15/20",
                "progress: 50/50 keys  silo-a 30/30  silo-b 20/20",
            ],
            error.Lines);
    }

    [Fact]
    public async Task Plain_StoppedEarly_ShowsHowFarItGot()
    {
        var error = new CapturedWriter();
        var time = new FakeTimeProvider();

        await using (var view = new PlainProgressView(error, "invalidating every key on every silo", time))
        {
            await view.ShowAsync(Report(null, ("10.0.0.1:11111@1", 1, 9)));
            await view.ShowAsync(Report(null, ("10.0.0.1:11111@1", 4, 9)));
        }

        Assert.Equal("progress: 4/9 keys  10.0.0.1:11111@1 4/9", error.Lines[^1]);
    }

    [Fact]
    public async Task Terminal_DrawsABarPerSilo_EndingAtEachSilosTotal()
    {
        using var console = new TestConsole().Interactive().Width(120);

        await using (var view = TerminalProgressView.Start(console, TimeProvider.System))
        {
            await view.ShowAsync(Collecting);
            await view.ShowAsync(Report(null, ("silo-a", 100, 3350), ("silo-[b]", 0, 6650)));
            await view.ShowAsync(Report(10_000, ("silo-a", 3350, 3350), ("silo-[b]", 6650, 6650)));
        }

        var last = console.Lines.Where(l => l.Contains("keys", StringComparison.Ordinal)).TakeLast(2).ToArray();
        Assert.Contains("silo-a", last[0], StringComparison.Ordinal);
        Assert.Contains("100%", last[0], StringComparison.Ordinal);
        Assert.Contains("3350/3350 keys", last[0], StringComparison.Ordinal);
        Assert.Contains("silo-[b]", last[1], StringComparison.Ordinal);
        Assert.Contains("6650/6650 keys", last[1], StringComparison.Ordinal);
    }

    /// <summary>A report of silos named <c>Name</c> (or, for an address, silos without a name).</summary>
    private static BulkInvalidationProgress Report(long? count, params (string Name, long Done, long Total)[] silos) =>
        new([.. silos.Select(s => IsAddress(s.Name) ? new SiloInvalidationProgress(s.Name, null, s.Done, s.Total) : new SiloInvalidationProgress($"10.0.0.9:11111@{s.Name}", s.Name, s.Done, s.Total))], count);

    private static bool IsAddress(string name) => name.Contains('@', StringComparison.Ordinal);
}
