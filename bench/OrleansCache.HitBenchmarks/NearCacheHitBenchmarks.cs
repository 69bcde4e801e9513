using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using OrleansCache.Benchmarks.Peers;
using OrleansCache.Client;
using OrleansCache.TestSupport.Peers;

namespace OrleansCache.HitBenchmarks;

/// <summary>
/// P1 with BenchmarkDotNet: <see cref="IOrleansCache.GetAsync{T}"/> served from the near-cache, against
/// <see cref="ConcurrentDictionary{TKey, TValue}.TryGetValue"/>, a FusionCache L1 hit and a HybridCache L1 hit, over the
/// same keys in the same order. One operation is one lookup; with 2 threads each invocation runs the loop on two threads
/// at once and an operation is one lookup on each (the time a lookup takes while another thread does the same, like the
/// harness's Stopwatch loop).
/// </summary>
/// <remarks>Public and unsealed: BenchmarkDotNet's runner derives from it.</remarks>
[MemoryDiagnoser]
public class NearCacheHitBenchmarks
{
    /// <summary>Lookups each thread makes per invocation: long enough that starting the paired thread costs well under 1%.</summary>
    public const int LookupsPerThread = 1 << 16;

    private const string Value = "v";
    private readonly int[] _cursors = new int[2];
    private string[] _keys = [];
    private HitClient? _ours;
    private IOrleansCache? _cache;
    private ConcurrentDictionary<string, object>? _dictionary;
    private FusionCacheNode? _fusion;
    private HybridCacheNode? _hybrid;
    private PairedThread? _pair;
    private Action<int>? _oursLoop;
    private Action<int>? _dictionaryLoop;
    private Action<int>? _fusionLoop;
    private Action<int>? _hybridLoop;

    /// <summary>The key counts measured (the 1,000 and 100,000; <c>--keys</c> changes them before the run).</summary>
    public static IReadOnlyList<int> KeyCounts { get; set; } = [1_000, 100_000];

    [ParamsSource(nameof(KeyCounts))]
    public int Keys { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = [.. Enumerable.Range(0, Keys).Select(i => $"p1:{Keys}:{i.ToString(CultureInfo.InvariantCulture)}")];
        _cursors[0] = 0;
        _cursors[1] = Keys / 2;
        _ours = HitClient.Filled(_keys, Value);
        _cache = _ours.Cache;
        _dictionary = new ConcurrentDictionary<string, object>(_keys.Select(k => new KeyValuePair<string, object>(k, Value)), StringComparer.Ordinal);
        _fusion = FusionCacheNode.MemoryOnly();
        _hybrid = HybridCacheNode.Create(redisConnection: null);
        foreach (var key in _keys)
        {
            _fusion.Cache.Set(key, Value);
            _hybrid.Cache.SetAsync(key, Value).AsTask().GetAwaiter().GetResult();
        }

        // Delegates made once: a method group converted per invocation would allocate, and be counted as the cache's.
        _oursLoop = OursLoop;
        _dictionaryLoop = DictionaryLoop;
        _fusionLoop = FusionLoop;
        _hybridLoop = HybridLoop;
        _pair = Threads == 2 ? new PairedThread() : null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair?.Dispose();
        _ours?.Dispose();
        _fusion?.Dispose();
        _hybrid?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = LookupsPerThread)]
    public void NearCache() => OnThreads(_oursLoop!);

    [Benchmark(Baseline = true, OperationsPerInvoke = LookupsPerThread)]
    public void Dictionary() => OnThreads(_dictionaryLoop!);

    [Benchmark(OperationsPerInvoke = LookupsPerThread)]
    public void FusionCache() => OnThreads(_fusionLoop!);

    [Benchmark(OperationsPerInvoke = LookupsPerThread)]
    public void HybridCache() => OnThreads(_hybridLoop!);

    private void OnThreads(Action<int> loop)
    {
        if (_pair is null)
        {
            loop(0);
        }
        else
        {
            _pair.Run(loop);
        }
    }

    private void OursLoop(int thread)
    {
        var cache = _cache!;
        var keys = _keys;
        var i = _cursors[thread];
        for (var n = 0; n < LookupsPerThread; n++)
        {
            var read = cache.GetAsync<string>(keys[i], CancellationToken.None);
            if (!read.IsCompletedSuccessfully || read.Result is null)
            {
                throw Missed("A near-cache read went remote");
            }

            if (++i == keys.Length)
            {
                i = 0;
            }
        }

        _cursors[thread] = i;
    }

    private void DictionaryLoop(int thread)
    {
        var dictionary = _dictionary!;
        var keys = _keys;
        var i = _cursors[thread];
        for (var n = 0; n < LookupsPerThread; n++)
        {
            if (!dictionary.TryGetValue(keys[i], out _))
            {
                throw Missed("A dictionary lookup missed");
            }

            if (++i == keys.Length)
            {
                i = 0;
            }
        }

        _cursors[thread] = i;
    }

    private void FusionLoop(int thread)
    {
        var fusion = _fusion!.Cache;
        var keys = _keys;
        var i = _cursors[thread];
        for (var n = 0; n < LookupsPerThread; n++)
        {
            if (!fusion.TryGet<string>(keys[i], token: CancellationToken.None).HasValue)
            {
                throw Missed("A FusionCache L1 read missed");
            }

            if (++i == keys.Length)
            {
                i = 0;
            }
        }

        _cursors[thread] = i;
    }

    private void HybridLoop(int thread)
    {
        var hybrid = _hybrid!.Cache;
        var keys = _keys;
        var i = _cursors[thread];
        for (var n = 0; n < LookupsPerThread; n++)
        {
            var read = hybrid.GetOrCreateAsync(keys[i], static _ => ValueTask.FromResult("missed"), cancellationToken: CancellationToken.None);
            if (!read.IsCompletedSuccessfully || read.Result != Value)
            {
                throw Missed("A HybridCache L1 read missed");
            }

            if (++i == keys.Length)
            {
                i = 0;
            }
        }

        _cursors[thread] = i;
    }

    private static InvalidOperationException Missed(string what) => new($"{what}: the benchmark is not measuring hits.");
}
