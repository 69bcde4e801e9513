using System.Globalization;

namespace OrleansCache.FaultInjection.Soak;

/// <summary>
/// Samples processes from /proc (VmRSS, Threads, the entries of fd/) and judges growth after warm-up.
/// </summary>
/// <remarks>
/// The bound: after a warm-up of the first third of the process's life (JIT, tiered compilation, GC heap sizing and
/// connection pools settle there), the median of the last sixth of the samples may exceed the median of the sixth
/// after warm-up by at most 50% + 32 MiB of RSS, 64 handles and 32 threads. A leak of one small object per operation
/// (~100 bytes at the run's ~1,000 operations a second) grows RSS by ~6 MiB a minute, which a 10-minute soak shows as
/// well over that; a leaked socket per fault or per reconnection shows within a few rounds as handles; a thread per
/// reconnection as threads. Medians ignore the single samples taken mid-GC or mid-reconnection.
/// </remarks>
internal sealed class ResourceSampler
{
    private const double RssGrowthFactor = 1.5;
    private const long RssGrowthSlackKiB = 32 * 1024;
    private const int HandleGrowth = 64;
    private const int ThreadGrowth = 32;

    private readonly Dictionary<string, List<ResourceSample>> _samples = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="processId"/> now, filed under <paramref name="name"/>; false if it is gone.</summary>
    public bool Sample(string name, int processId, TimeSpan at)
    {
        try
        {
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }

            var handles = Directory.GetFileSystemEntries($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd").Length;
            if (!_samples.TryGetValue(name, out var list))
            {
                _samples[name] = list = [];
            }

            list.Add(new ResourceSample(at, rss, handles, threads));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// One line per process with at least <paramref name="minimumSamples"/> samples (start, after warm-up, end), and a
    /// violation for each bound exceeded.
    /// </summary>
    public (List<string> Lines, List<string> Violations) Judge(int minimumSamples)
    {
        var lines = new List<string>();
        var violations = new List<string>();
        foreach (var (name, samples) in _samples)
        {
            if (samples.Count < minimumSamples)
            {
                continue;
            }

            var sixth = Math.Max(1, samples.Count / 6);
            var warm = samples.Skip(samples.Count / 3).Take(sixth).ToList();
            var last = samples.TakeLast(sixth).ToList();
            var (rss0, fd0, th0) = (Median(warm, s => s.RssKiB), Median(warm, s => s.Handles), Median(warm, s => s.Threads));
            var (rss1, fd1, th1) = (Median(last, s => s.RssKiB), Median(last, s => s.Handles), Median(last, s => s.Threads));
            var first = samples[0];
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {samples.Count} samples over {(samples[^1].At - first.At).TotalMinutes:0.0} min; RSS {first.RssKiB / 1024} -> {rss0 / 1024} (after warm-up) -> {rss1 / 1024} MiB; handles {first.Handles} -> {fd0} -> {fd1}; threads {first.Threads} -> {th0} -> {th1}"));
            if (rss1 > rss0 * RssGrowthFactor + RssGrowthSlackKiB)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"soak: {name} RSS grew from {rss0 / 1024} to {rss1 / 1024} MiB after warm-up (bound: x{RssGrowthFactor} + {RssGrowthSlackKiB / 1024} MiB)"));
            }

            if (fd1 > fd0 + HandleGrowth)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"soak: {name} handles grew from {fd0} to {fd1} after warm-up (bound: +{HandleGrowth})"));
            }

            if (th1 > th0 + ThreadGrowth)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"soak: {name} threads grew from {th0} to {th1} after warm-up (bound: +{ThreadGrowth})"));
            }
        }

        return (lines, violations);
    }

    private static long Median(List<ResourceSample> samples, Func<ResourceSample, long> value)
    {
        var sorted = samples.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
