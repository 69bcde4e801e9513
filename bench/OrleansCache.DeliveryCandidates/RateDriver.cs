using System.Diagnostics;

namespace OrleansCache.DeliveryCandidates;

/// <summary>Publishes at a fixed rate, paced on a 1 ms timer (so events leave in small bursts of rate/1000).</summary>
internal static class RateDriver
{
    /// <summary>Returns the achieved rate in events per second.</summary>
    public static async Task<double> RunAsync(int count, int perSecond, Func<Task> publish)
    {
        var sends = new List<Task>(count);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (true)
        {
            // Catch up to the schedule, so a late tick does not lower the rate.
            var due = Math.Min(count, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + 1);
            for (; sent < due; sent++)
            {
                // Not awaited one by one: the producer must not wait for a delivery before the next event.
                sends.Add(publish());
            }

            if (sent >= count)
            {
                break;
            }

            await tick.WaitForNextTickAsync();
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        await Task.WhenAll(sends);
        // count events span count-1 intervals of the schedule.
        return count <= 1 ? perSecond : (count - 1) / Math.Max(elapsed.TotalSeconds, 1e-6);
    }
}
