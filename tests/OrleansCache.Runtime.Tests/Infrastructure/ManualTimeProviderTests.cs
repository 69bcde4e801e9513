using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Runtime.Tests.Infrastructure;

public sealed class ManualTimeProviderTests
{
    [Fact]
    public void Advance_FiresDueTimersInOrder_AndPeriodicOnesRepeatedly()
    {
        var clock = new ManualTimeProvider();
        var fired = new List<string>();
        using var once = clock.CreateTimer(_ => fired.Add("once@5"), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add("tick"), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

        clock.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(["tick", "tick", "once@5", "tick"], fired);
        Assert.Equal(TimeSpan.FromSeconds(7), clock.GetElapsedTime(0));
    }

    [Fact]
    public void DisposedTimer_NeverFires()
    {
        var clock = new ManualTimeProvider();
        var fired = 0;
        var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();

        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, fired);
    }

    [Fact]
    public async Task TaskDelay_OnManualClock_CompletesOnlyWhenAdvanced()
    {
        var clock = new ManualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(1), clock, TestContext.Current.CancellationToken);
        Assert.False(delay.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
