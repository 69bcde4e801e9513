using System.Diagnostics;
using System.Globalization;

namespace OrleansCache.TestSupport.Staleness;

/// <summary>
/// Runs P9's workload over application instances (one <see cref="IVersionedCache"/> each) and records its history for
/// <see cref="StalenessChecker"/>. Every key is first written at version 0 and read once by every instance (so reads
/// start from warm local copies); then, for the options' duration, each writer rewrites its own keys in turn with
/// increasing versions and each reader reads random keys; a <see cref="ProcessPauseMonitor"/> records the process's
/// pauses meanwhile. Shared by the benchmark's P9 and its test.
/// </summary>
public static class StalenessWorkload
{
    public static async Task<StalenessHistory> RunAsync(IReadOnlyList<IVersionedCache> instances, StalenessWorkloadOptions options, string keyPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(options);
        var writers = instances.Count * options.WritersPerInstance;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Keys, writers);
        var keys = Enumerable.Range(0, options.Keys).Select(k => keyPrefix + k.ToString(CultureInfo.InvariantCulture)).ToArray();
        var clock = Stopwatch.StartNew();

        var seeds = new List<AcknowledgedWrite>();
        for (var k = 0; k < keys.Length; k++)
        {
            var start = clock.Elapsed;
            await instances[0].WriteAsync(keys[k], 0, cancellationToken).ConfigureAwait(false);
            seeds.Add(new AcknowledgedWrite(k, 0, start, clock.Elapsed));
        }

        foreach (var instance in instances)
        {
            foreach (var key in keys)
            {
                await instance.ReadAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        using var monitor = new ProcessPauseMonitor(clock);
        var stopAt = clock.Elapsed + options.Duration;
        var writerTasks = new List<Task<List<AcknowledgedWrite>>>();
        var readerTasks = new List<Task<List<CheckedRead>>>();
        for (var i = 0; i < instances.Count; i++)
        {
            var instance = instances[i];
            for (var w = 0; w < options.WritersPerInstance; w++)
            {
                var writer = (i * options.WritersPerInstance) + w;
                int[] owned = [.. Enumerable.Range(0, keys.Length).Where(k => k % writers == writer)];
                writerTasks.Add(Task.Run(() => WriteAsync(instance, keys, owned, clock, stopAt, options.WritePause, cancellationToken), cancellationToken));
            }

            for (var r = 0; r < options.ReadersPerInstance; r++)
            {
                var seed = (i * options.ReadersPerInstance) + r;
                var number = i;
                readerTasks.Add(Task.Run(() => ReadAsync(instance, number, keys, seed, clock, stopAt, options.ReadPause, cancellationToken), cancellationToken));
            }
        }

        var written = await Task.WhenAll(writerTasks).ConfigureAwait(false);
        var read = await Task.WhenAll(readerTasks).ConfigureAwait(false);
        monitor.Dispose();
        return new StalenessHistory([.. seeds, .. written.SelectMany(w => w)], [.. read.SelectMany(r => r)], options.Duration) { Pauses = monitor.Pauses };
    }

    private static async Task<List<AcknowledgedWrite>> WriteAsync(IVersionedCache cache, string[] keys, int[] owned, Stopwatch clock, TimeSpan stopAt, TimeSpan pause, CancellationToken cancellationToken)
    {
        var history = new List<AcknowledgedWrite>();
        var versions = new long[owned.Length];
        for (var turn = 0; clock.Elapsed < stopAt; turn++)
        {
            var slot = turn % owned.Length;
            var version = ++versions[slot];
            var start = clock.Elapsed;
            await cache.WriteAsync(keys[owned[slot]], version, cancellationToken).ConfigureAwait(false);
            history.Add(new AcknowledgedWrite(owned[slot], version, start, clock.Elapsed));
            await PauseAsync(pause, cancellationToken).ConfigureAwait(false);
        }

        return history;
    }

    private static async Task<List<CheckedRead>> ReadAsync(IVersionedCache cache, int instance, string[] keys, int seed, Stopwatch clock, TimeSpan stopAt, TimeSpan pause, CancellationToken cancellationToken)
    {
        var history = new List<CheckedRead>();
        var random = new Random(seed);
        while (clock.Elapsed < stopAt)
        {
            var key = random.Next(keys.Length);
            var start = clock.Elapsed;
            var version = await cache.ReadAsync(keys[key], cancellationToken).ConfigureAwait(false);
            history.Add(new CheckedRead(instance, key, version, start, clock.Elapsed));
            await PauseAsync(pause, cancellationToken).ConfigureAwait(false);
        }

        return history;
    }

    private static Task PauseAsync(TimeSpan pause, CancellationToken cancellationToken) =>
        pause > TimeSpan.Zero ? Task.Delay(pause, cancellationToken) : Task.Run(() => { }, cancellationToken);
}
