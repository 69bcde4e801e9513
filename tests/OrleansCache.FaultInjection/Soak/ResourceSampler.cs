using System.Diagnostics;
using System.Globalization;
using OrleansCache.FaultInjection.Cluster;
using OrleansCache.FaultInjection.History;

namespace OrleansCache.FaultInjection.Soak;

/// <summary>
/// Samples, at a fixed interval, the resources of every running silo process and of the runner's own (where the clients
/// live) from <c>/proc</c>: what a soak watches for growth.
/// </summary>
internal sealed class ResourceSampler(SiloCluster cluster, RunClock clock, TimeSpan interval) : IAsyncDisposable
{
    private readonly List<ResourceSample> _samples = [];
    // Never disposed: it has no timer, and a sampler lives as long as its run.
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public IReadOnlyList<ResourceSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops sampling (idempotent); the samples stay readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _loop, null) is { } loop)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            SampleOnce();
        }
        while (await Wait(timer, stop).ConfigureAwait(false));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// What the heap held alive at the last full collection (gen 2, blocking or background), or, before the first, its
    /// size after the last collection. The size after any collection also counts the dead objects that gen 2 keeps until
    /// its next collection, which in a runner that promotes its whole history grows and shrinks by hundreds of megabytes.
    /// </summary>
    private static double LiveHeapMegabytes()
    {
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var full = blocking.Index >= background.Index ? blocking : background;
        var bytes = full.Index == 0 ? GC.GetGCMemoryInfo().HeapSizeBytes : full.HeapSizeBytes - full.FragmentedBytes;
        return bytes / 1048576.0;
    }

    private void SampleOnce()
    {
        var at = clock.Now;
        var taken = new List<ResourceSample>();
        if (Read(Environment.ProcessId) is { } runner)
        {
            var collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
            taken.Add(new ResourceSample(at, SoakAnalysis.Runner, runner.Rss, runner.Threads, runner.Handles, collections, LiveHeapMegabytes()));
        }

        foreach (var slot in cluster.Slots)
        {
            if (slot.Process is { HasExited: false } process && Read(process.Id) is { } silo)
            {
                taken.Add(new ResourceSample(at, string.Create(CultureInfo.InvariantCulture, $"silo {slot.Index}.{slot.Generation}"), silo.Rss, silo.Threads, silo.Handles, null, null));
            }
        }

        lock (_samples)
        {
            _samples.AddRange(taken);
        }
    }

    /// <summary>RSS (MB), threads and open descriptors of a process, or null if it is gone.</summary>
    private static (double Rss, int Threads, int Handles)? Read(int pid)
    {
        try
        {
            double rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            var handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
            return (rss, threads, handles);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended between the look and the read.
            Debug.WriteLine(ex.Message);
            return null;
        }
    }
}
