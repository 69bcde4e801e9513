using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using HdrHistogram;
using OrleansCache.DeliveryCandidates;

// How fast an invalidation travels from a grain to N client hosts through each candidate mechanism, with Redis pub/sub
// as the peer, in one run on this machine. Progress and Orleans' warnings go to stderr; the markdown report to stdout.
//   dotnet run -c Release --project bench/OrleansCache.DeliveryCandidates -- [--quick] [--only NAME[,NAME...]]
//       [--rate N] [--rate50 N] [--streams-rate N] [--streams-rate50 N]
// --quick is a smoke test (< 2 min; too short to warm the JIT, so its numbers are not for comparison); the full run
// takes about 10 minutes. --only runs the candidates whose name contains one of the NAMEs: oneway, acked, streaming, write-oneway,
// write-acked, memstream, redis.

var settings = Settings.Parse(args);
var rows = new List<Row>();
var idle = new List<string>();
var wall = Stopwatch.StartNew();
var clusterNames = 0;
var loadAtStart = LoadAverage();

Progress($"mode {(settings.Quick ? "quick" : "full")}: {settings.Describe()}");

// Observers and response streaming: one cluster without streams.
var plain = new (string Name, Func<OrleansCluster, string, ICandidate> Create)[]
{
    ("oneway", (c, k) => new OneWayObserverCandidate(c, k, viaEntryGrain: false)),
    ("acked", (c, k) => new AckedBatchObserverCandidate(c, k, viaEntryGrain: false)),
    ("streaming", (c, k) => new ResponseStreamingCandidate(c, k)),
    ("write-oneway", (c, k) => new OneWayObserverCandidate(c, k, viaEntryGrain: true)),
    ("write-acked", (c, k) => new AckedBatchObserverCandidate(c, k, viaEntryGrain: true)),
};
await RunClusterAsync("no streams", null, plain);

// Memory streams: a cluster per setting, since the pulling agents (and their idle cost) belong to the silos.
foreach (var streams in new StreamSettings[]
         {
             new(TimeSpan.FromMilliseconds(1), 1),
             new(TimeSpan.FromMilliseconds(10), 1),
             new(TimeSpan.FromMilliseconds(1), 100),
         })
{
    await RunClusterAsync(streams.ToString(), streams, [("memstream", (c, k) => new MemoryStreamCandidate(c, k, streams))]);
}

// The peer, after the clusters are gone so that it runs on the same quiet machine.
if (settings.Selected("redis"))
{
    await using var redis = await RedisServer.StartAsync();
    foreach (var n in Settings.SubscriberCounts)
    {
        rows.Add(await RunOneAsync(new RedisPubSubCandidate(redis, "n" + n.ToString(CultureInfo.InvariantCulture)), n, settings.RateFor(n, streams: false)));
    }
}

PrintReport();
return 0;

async Task RunClusterAsync(string name, StreamSettings? streams, (string Name, Func<OrleansCluster, string, ICandidate> Create)[] candidates)
{
    var selected = candidates.Where(c => settings.Selected(c.Name)).ToList();
    if (selected.Count == 0)
    {
        return;
    }

    Progress($"starting 2 silos + {Settings.MaxSubscribers + 1} clients ({name})");
    await using var cluster = await OrleansCluster.StartAsync(clusterNames++.ToString(CultureInfo.InvariantCulture), Settings.MaxSubscribers, streams);
    foreach (var (candidateName, create) in selected)
    {
        foreach (var n in Settings.SubscriberCounts)
        {
            // A fresh feed grain per run: a new activation, placed anew, with only this run's subscribers.
            rows.Add(await RunOneAsync(create(cluster, $"{candidateName}-n{n}"), n, settings.RateFor(n, streams is not null)));
        }
    }

    // Idle cost, measured after the runs so that everything is warm: first with every client connected, then silos alone.
    // Each is the second of two windows: the first absorbs the settling after the last run (or after the clients stop).
    await OrleansCluster.IdleCpuPercentAsync(settings.IdleWindow);
    var withClients = await OrleansCluster.IdleCpuPercentAsync(settings.IdleWindow);
    await cluster.StopClientsAsync();
    await OrleansCluster.IdleCpuPercentAsync(settings.IdleWindow);
    var silosOnly = await OrleansCluster.IdleCpuPercentAsync(settings.IdleWindow);
    idle.Add(FormattableString.Invariant($"| {name} | {withClients:0.0}% | {silosOnly:0.0}% |"));
}

async Task<Row> RunOneAsync(ICandidate candidate, int n, int rate)
{
    Progress($"{candidate.Mechanism}, N={n}, {rate}/s");
    var sink = new DeliverySink();
    try
    {
        await candidate.StartAsync(n, sink);
        await RunPhaseAsync(candidate, sink, n, settings.WarmupFor(rate), rate);
        var (stats, achieved) = await RunPhaseAsync(candidate, sink, n, settings.MeasuredFor(rate), rate);
        await candidate.StopAsync();
        return new Row(candidate.Mechanism, n, stats, achieved, settings.MeasuredFor(rate), candidate.Notes(), sink.Strays, null);
    }
    catch (Exception ex)
    {
        Progress($"  failed: {ex}");
        return new Row(candidate.Mechanism, n, null, 0, 0, "", sink.Strays, ex.GetType().Name + ": " + ex.Message);
    }
}

async Task<(PhaseStats Stats, double Rate)> RunPhaseAsync(ICandidate candidate, DeliverySink sink, int n, int count, int rate)
{
    var first = await candidate.LastSeqAsync() + 1;
    var phase = new Phase(first, count, n);
    sink.Current = phase;
    var achieved = await RateDriver.RunAsync(count, rate, candidate.PublishAsync);
    await phase.WaitAsync(settings.Quiet);
    sink.Current = null;
    return (phase.Summarize(), achieved);
}

void PrintReport()
{
    var o = Console.Out;
    o.WriteLine("# Delivery candidates: grain → N clients");
    o.WriteLine();
    o.WriteLine(FormattableString.Invariant($"- date (UTC): {DateTime.UtcNow:yyyy-MM-dd HH:mm}; mode: {(settings.Quick ? "quick (smoke test: JIT not warm, numbers not for comparison)" : "full")}; wall time {wall.Elapsed.TotalSeconds:0} s"));
    o.WriteLine($"- machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
                $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, Release={IsRelease()}; " +
                $"load average (1/5/15 min) at start {loadAtStart}, at end {LoadAverage()} (other processes on the machine show here)");
    o.WriteLine("- 2 silos on loopback TCP and every client in this one process: each client is its own IHost with its own Orleans " +
                "client and gateway sockets, but all share one CPU budget (2 cores) with the silos and the driver. Redis subscribers " +
                "are separate ConnectionMultiplexers in this process; redis-server is its own process.");
    o.WriteLine("- per run: " + settings.Describe() + ". Events are paced on a 1 ms timer; the notes give the achieved rate. " +
                "Memory streams get lower rates because at 2,000/s (N ≥ 10) their backlog grew without bound on this machine.");
    o.WriteLine("- latency: from the stamp (the feed grain receiving the publish; for write-path rows the writer starting its call; for Redis the PUBLISH call) " +
                "until the LAST of the N clients applied the event. Notes give the per-client distribution (all deliveries). µs; HdrHistogram.");
    o.WriteLine("- lost: deliveries that never arrived (waited until nothing arrived for " + settings.Quiet.TotalSeconds.ToString(CultureInfo.InvariantCulture) +
                " s); reordered: arrivals with a lower sequence number than one that client already had.");
    o.WriteLine();
    o.WriteLine("| mechanism | N | p50 µs | p99 µs | max µs | lost | reordered | notes |");
    o.WriteLine("| --- | ---: | ---: | ---: | ---: | --- | --- | --- |");
    foreach (var row in rows)
    {
        o.WriteLine(row.Format());
    }

    o.WriteLine();
    o.WriteLine("Idle process CPU (% of one core) over " + settings.IdleWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture) +
                " s, no events flowing, after the cluster's runs (the second of two windows):");
    o.WriteLine();
    o.WriteLine(FormattableString.Invariant($"| cluster | 2 silos + {Settings.MaxSubscribers + 1} clients | 2 silos only |"));
    o.WriteLine("| --- | ---: | ---: |");
    idle.ForEach(o.WriteLine);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static bool IsRelease() => !typeof(Row).Assembly.GetCustomAttributes(false).OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled);

static void Progress(string message) =>
    Console.Error.WriteLine(FormattableString.Invariant($"[{DateTime.Now:HH:mm:ss}] {message}"));

internal sealed record Row(string Mechanism, int N, PhaseStats? Stats, double Rate, int Events, string CandidateNotes, long Strays, string? Failure)
{
    public string Format()
    {
        if (Stats is null)
        {
            return $"| {Mechanism} | {N} | – | – | – | – | – | FAILED: {Failure?.Replace('|', '/')} |";
        }

        var s = Stats;
        var lost = s.LostDeliveries == 0
            ? "0"
            : FormattableString.Invariant($"{s.LostDeliveries} of {(long)Events * N} deliveries ({s.IncompleteEvents} events, {s.ClientsWithLoss} clients)");
        var reordered = s.Reordered == 0 ? "0" : FormattableString.Invariant($"{s.Reordered} ({s.ClientsReordered} clients)");
        var notes = new List<string>
        {
            FormattableString.Invariant($"{Rate:0}/s"),
            FormattableString.Invariant($"per-client p50/p99 {s.PerClient.GetValueAtPercentile(50)}/{s.PerClient.GetValueAtPercentile(99)}"),
        };
        if (s.Duplicates > 0)
        {
            notes.Add(FormattableString.Invariant($"{s.Duplicates} duplicates"));
        }

        if (Strays > 0)
        {
            notes.Add(FormattableString.Invariant($"{Strays} late arrivals outside their phase"));
        }

        if (CandidateNotes.Length > 0)
        {
            notes.Add(CandidateNotes);
        }

        var last = s.LastClient;
        return last.TotalCount == 0
            ? $"| {Mechanism} | {N} | – | – | – | {lost} | {reordered} | {string.Join("; ", notes)} |"
            : FormattableString.Invariant(
                $"| {Mechanism} | {N} | {last.GetValueAtPercentile(50)} | {last.GetValueAtPercentile(99)} | {last.GetMaxValue()} | {lost} | {reordered} | {string.Join("; ", notes)} |");
    }
}

internal sealed record Settings(
    bool Quick,
    double MeasuredSeconds,
    int MinEvents,
    int MaxEvents,
    int MinWarmup,
    int Rate,
    int Rate50,
    int StreamsRate,
    int StreamsRate50,
    TimeSpan IdleWindow,
    TimeSpan Quiet,
    string? Only)
{
    public const int MaxSubscribers = 50;

    public static readonly int[] SubscriberCounts = [1, 10, MaxSubscribers];

    public static Settings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var only = Value("--only");
        var rate = Int("--rate", 2_000);
        var rate50 = Int("--rate50", 500);
        var streamsRate = Int("--streams-rate", 500);
        var streamsRate50 = Int("--streams-rate50", 100);
        return quick
            ? new Settings(true, 0.75, 300, 2_000, 200, rate, rate50, streamsRate, streamsRate50, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), only)
            : new Settings(false, 10, 3_000, 20_000, 500, rate, rate50, streamsRate, streamsRate50, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), only);

        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
    }

    public bool Selected(string candidate) => Only is null || Only.Split(',').Any(name => candidate.Contains(name, StringComparison.OrdinalIgnoreCase));

    public int RateFor(int n, bool streams) => streams ? (n >= MaxSubscribers ? StreamsRate50 : StreamsRate) : (n >= MaxSubscribers ? Rate50 : Rate);

    /// <summary>About <see cref="MeasuredSeconds"/> of events at this rate, but never fewer than a stable p99 needs.</summary>
    public int MeasuredFor(int rate) => (int)Math.Clamp(rate * MeasuredSeconds, MinEvents, MaxEvents);

    /// <summary>A tenth of the measured phase, at least <see cref="MinWarmup"/> events (JIT, connections, caches).</summary>
    public int WarmupFor(int rate) => Math.Max(MinWarmup, MeasuredFor(rate) / 10);

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Rate}/s for N=1 and 10, {Rate50}/s for N=50 (memory streams {StreamsRate}/s and {StreamsRate50}/s); " +
        $"measured {MeasuredFor(Rate)} / {MeasuredFor(Rate50)} events (memory streams {MeasuredFor(StreamsRate)} / {MeasuredFor(StreamsRate50)}) after a warm-up of {WarmupFor(Rate)} / {WarmupFor(Rate50)} ({WarmupFor(StreamsRate)} / {WarmupFor(StreamsRate50)})");
}
