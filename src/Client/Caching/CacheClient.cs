using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Client.Diagnostics;
using OrleansCache.Client.Feeds;
using OrleansCache.Client.NearCaching;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>
/// The cache client: near-cache first, then the key's grain. Reads and writes register a fill ticket before they go
/// remote, so an invalidation that overtakes them keeps their (older) result out of the near-cache (G5); and they pass
/// the client's subscription to the key's partition feed, which the grain registers before answering, so every later
/// change of the key reaches this client (G3).
/// </summary>
/// <remarks>
/// Works wherever there is an <see cref="IGrainFactory"/>: an Orleans client (<c>AddOrleansCacheClient</c>,
/// <c>IClientBuilder.AddOrleansCache</c>) or a silo, whose grains then use the cache like any client.
/// </remarks>
internal sealed partial class CacheClient : IOrleansCache, IAsyncDisposable
{
    /// <summary>
    /// How long one wait for another caller's fill may hold a call open (the grain caps it at the same): longer leases
    /// are waited for in slices, so a waiting call never holds up the grain's deactivation for long.
    /// </summary>
    private static readonly TimeSpan MaxFillWait = TimeSpan.FromSeconds(2);

    private readonly CacheGrainReferences _grains;
    private readonly OrleansCacheClientOptions _options;
    private readonly ICacheSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CacheClientMetrics _metrics;
    private readonly NearCache _near;
    private readonly InvalidationConsumer _feeds;
    private readonly ConcurrentDictionary<string, RemoteRead> _reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<CreatedValue>>> _creates = new(StringComparer.Ordinal);

    public CacheClient(
        IGrainFactory grains,
        OrleansCacheClientOptions options,
        ICacheSerializer? serializer = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        OrleansCacheClientOptionsValidator.ThrowIfInvalid(options);
        _grains = new CacheGrainReferences(grains);
        _options = options;
        _serializer = serializer ?? new SystemTextJsonCacheSerializer();
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CacheClient>();
        _metrics = new CacheClientMetrics(meterFactory);
        _near = new NearCache(options.NearCache, _time);
        _near.Evicted += _metrics.Evicted;
        _feeds = new InvalidationConsumer(_grains, options, _near, _metrics, _time, _logger, Apply);
        _feeds.Revalidated += OnRevalidated;
    }

    public event EventHandler<CacheInvalidatedEventArgs>? Invalidated;

    internal NearCache NearCache => _near;

    internal InvalidationConsumer Feeds => _feeds;

    /// <summary>Test hook: awaited after a remote read returns and before its result may enter the near-cache.</summary>
    internal Func<string, Task>? AfterRemoteRead { get; set; }

    public ValueTask<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        // The hot path: a hit completes synchronously, without a state machine. Only valid keys ever enter the
        // near-cache, so a hit needs no validation; a miss (or a null key) takes the validating path.
        if (key is not null && _near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return new ValueTask<T?>(Materialize<T>(cached));
        }

        return GetRemoteAsync<T>(key!, cancellationToken);
    }

    public ValueTask<CacheLookup<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        if (key is not null && _near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return new ValueTask<CacheLookup<T>>(new CacheLookup<T>(true, Materialize<T>(cached)));
        }

        return TryGetRemoteAsync<T>(key!, cancellationToken);
    }

    private async ValueTask<T?> GetRemoteAsync<T>(string key, CancellationToken cancellationToken) =>
        (await TryGetRemoteAsync<T>(key, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The miss path; the caller has already looked in the near-cache.</summary>
    private async ValueTask<CacheLookup<T>> TryGetRemoteAsync<T>(string key, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        _metrics.Miss();
        var entry = await ReadRemoteAsync(key, cancellationToken).ConfigureAwait(false);
        return entry.Found ? new CacheLookup<T>(true, _serializer.Deserialize<T>(entry.Value)) : default;
    }

    public async Task SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var write = ToWriteOptions(options);
        var bytes = Serialize(value);
        await SetBytesCoreAsync(key, bytes, write, new TypedValue(typeof(T), value), NearCachePolicy.Default, cancellationToken).ConfigureAwait(false);
    }

    public Task RemoveAsync(string key, CancellationToken cancellationToken = default) => InvalidateAsync(key, cancellationToken);

    public Task InvalidateAsync(string key, CancellationToken cancellationToken = default) => InvalidateVersionedAsync(key, cancellationToken);

    /// <summary>
    /// <see cref="InvalidateAsync(string, CancellationToken)"/>, returning the version the key's grain gave the change
    /// (for history checkers that compare versions across clients).
    /// </summary>
    internal async Task<CacheVersion> InvalidateVersionedAsync(string key, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        using var activity = OrleansCacheTelemetry.Source.StartActivity("OrleansCache invalidate", ActivityKind.Client);
        var version = await IdempotentAsync(() => Entry(key).InvalidateAsync(), cancellationToken).ConfigureAwait(false);
        ApplyKey(key, version);
        return version;
    }

    /// <summary>
    /// <see cref="TryGetAsync{T}"/> for raw bytes, returning the version of what it returned (a missing entry has a
    /// version too). Same path: the near-cache first, then the key's grain.
    /// </summary>
    internal async ValueTask<(bool Found, byte[]? Value, CacheVersion Version)> TryGetVersionedAsync(string key, CancellationToken cancellationToken)
    {
        if (key is not null && _near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return (true, cached.Bytes, cached.Version);
        }

        ValidateKey(key!);
        _metrics.Miss();
        var entry = await ReadRemoteAsync(key!, cancellationToken).ConfigureAwait(false);
        return (entry.Found, entry.Value, entry.Version);
    }

    public async Task InvalidateAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var all = keys.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var key in all)
        {
            ValidateKey(key, nameof(keys));
        }

        foreach (var batch in all.Chunk(_options.RevalidationBatchSize))
        {
            var versions = await IdempotentAsync(() => Coordinator().InvalidateKeysAsync(batch), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                ApplyKey(batch[i], versions[i]);
            }
        }
    }

    public async Task<long> InvalidateByPatternAsync(string pattern, CancellationToken cancellationToken = default)
    {
        CacheInputRules.ValidatePattern(pattern, _options.MaxKeyLength);
        var count = await IdempotentAsync(() => Coordinator().InvalidatePatternAsync(pattern), cancellationToken).ConfigureAwait(false);
        ApplyPattern(pattern);
        return count;
    }

    public async Task<long> InvalidateByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        CacheInputRules.ValidateTag(tag);
        var count = await IdempotentAsync(() => Coordinator().InvalidateTagAsync(tag), cancellationToken).ConfigureAwait(false);
        ApplyTag(tag);
        return count;
    }

    public async Task<long> InvalidateAllAsync(CancellationToken cancellationToken = default)
    {
        var count = await IdempotentAsync(() => Coordinator().InvalidateAllAsync(), cancellationToken).ConfigureAwait(false);
        ApplyAll();
        return count;
    }

    /// <summary>The raw bytes of a key (for <see cref="OrleansDistributedCache"/>), or null.</summary>
    internal async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        if (_near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return cached.Bytes;
        }

        _metrics.Miss();
        return (await ReadRemoteAsync(key, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Stores raw bytes (for <see cref="OrleansDistributedCache"/>); returns the version the key's grain gave them.</summary>
    internal Task<CacheVersion> SetBytesAsync(string key, byte[] value, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        CheckSize(value);
        return SetBytesCoreAsync(key, value, new CacheWriteOptions(ttl, []), null, NearCachePolicy.Default, cancellationToken);
    }

    /// <summary>Subscribes to the partition feeds now rather than on first use (the client or silo became active).</summary>
    public void Start() => _feeds.Start();

    /// <summary>
    /// Ends the feed subscriptions (the client or silo is stopping and can still reach the feeds). Reads and writes
    /// after this go to the cluster and are not cached.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken) =>
        await _feeds.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private async Task<CacheVersion> SetBytesCoreAsync(string key, byte[] bytes, CacheWriteOptions write, TypedValue? typed, NearCachePolicy policy, CancellationToken cancellationToken)
    {
        using var activity = OrleansCacheTelemetry.Source.StartActivity("OrleansCache set", ActivityKind.Client);
        var ticket = BeginFill(key, policy);
        try
        {
            var tracker = await TrackerAsync(ticket, cancellationToken).ConfigureAwait(false);
            var version = await IdempotentAsync(() => Entry(key).SetAsync(bytes, write, tracker), cancellationToken).ConfigureAwait(false);
            var expiresAt = write.Ttl is { } ttl ? _time.GetUtcNow() + ttl : (DateTimeOffset?)null;
            CompleteFill(ticket, new CacheEntry(bytes, version, expiresAt, write.Tags), typed);
            return version;
        }
        catch
        {
            _near.AbandonFill(ticket);
            throw;
        }
    }

    private T? Materialize<T>(NearCacheEntry entry)
    {
        if (entry.Typed is { } typed && typed.Type == typeof(T))
        {
            return (T?)typed.Value;
        }

        var value = _serializer.Deserialize<T>(entry.Bytes);
        entry.Typed = new TypedValue(typeof(T), value);
        return value;
    }

    private byte[] Serialize<T>(T value)
    {
        var bytes = _serializer.Serialize(value);
        CheckSize(bytes);
        return bytes;
    }

    private void CheckSize(byte[] value)
    {
        if (value.Length > _options.MaxValueBytes)
        {
            throw new ArgumentException($"A cache value may be at most {_options.MaxValueBytes} bytes serialized; this one has {value.Length}.", nameof(value));
        }
    }

    private void ValidateKey(string key, string paramName = "key") => CacheInputRules.ValidateKey(key, _options.MaxKeyLength, paramName);

    private static CacheWriteOptions ToWriteOptions(CacheEntryOptions? options) =>
        options is null ? CacheWriteOptions.Default : CheckedWriteOptions(options.Ttl, options.Tags.ToArray(), nameof(options));

    /// <summary>Write options whose time to live and tags were checked (<see cref="ArgumentException"/> otherwise).</summary>
    internal static CacheWriteOptions CheckedWriteOptions(TimeSpan? ttl, string[] tags, string paramName)
    {
        if (ttl is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException("A time to live must be positive.", paramName);
        }

        CacheInputRules.ValidateTags(tags, paramName);
        return tags.Length == 0 && ttl is null ? CacheWriteOptions.Default : new CacheWriteOptions(ttl, tags);
    }

    /// <summary>Registers a fill that follows <paramref name="policy"/>: one that may not write is voided at once.</summary>
    private FillTicket BeginFill(string key, NearCachePolicy policy)
    {
        var ticket = _near.BeginFill(key, policy.Ttl);
        if (!policy.Write)
        {
            _near.VoidFill(ticket);
        }

        return ticket;
    }

    /// <summary>Fills the near-cache from a remote result.</summary>
    private void CompleteFill(FillTicket ticket, CacheEntry entry, TypedValue? typed = null) => _near.CompleteFill(ticket, entry, typed);

    private ICacheEntryGrain Entry(string key) => _grains.Entry(key);

    /// <summary>The coordinator is a stateless worker: key 0 runs on whichever silo receives the call.</summary>
    private ICacheCoordinatorGrain Coordinator() => _grains.Coordinator();
}
