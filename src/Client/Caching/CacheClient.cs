using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime.Messaging;
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

    private readonly IGrainFactory _grains;
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
        _grains = grains;
        _options = options;
        _serializer = serializer ?? new SystemTextJsonCacheSerializer();
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CacheClient>();
        _metrics = new CacheClientMetrics(meterFactory);
        _near = new NearCache(options.NearCache, _time);
        _near.Evicted += _metrics.Evicted;
        _feeds = new InvalidationConsumer(grains, options, _near, _metrics, _time, _logger, Apply);
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
        await SetBytesCoreAsync(key, bytes, write, new TypedValue(typeof(T), value), cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> GetOrCreateAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(factory);
        var write = ToWriteOptions(options);
        if (_near.TryGet(key, out var cached))
        {
            _metrics.Hit();
            return Materialize<T>(cached)!;
        }

        _metrics.Miss();

        // One remote get-or-create per key at a time in this client: concurrent callers share it (10 clients with 100
        // concurrent misses each make 10 grain calls, not 1,000). The first caller's factory is the one that runs.
        var created = new Lazy<Task<CreatedValue>>(() => CreateSharedAsync(key, factory, write, cancellationToken));
        var shared = _creates.GetOrAdd(key, created);
        if (ReferenceEquals(shared, created))
        {
            try
            {
                return (T)(await shared.Value.ConfigureAwait(false)).Value!;
            }
            finally
            {
                _creates.TryRemove(new KeyValuePair<string, Lazy<Task<CreatedValue>>>(key, shared));
            }
        }

        CreatedValue result;
        try
        {
            result = await shared.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not CacheFactoryException and not OperationCanceledException and not OrleansCacheException and not ArgumentException)
        {
            // This caller waited for another's factory, which threw: the documented outcome for waiters.
            throw new CacheFactoryException($"The value factory for '{key}' failed in the caller that filled it: {ex.GetType().Name}: {ex.Message}", ex);
        }

        return result.Value is T typed ? typed : _serializer.Deserialize<T>(result.Bytes)!;
    }

    private async Task<CreatedValue> CreateSharedAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheWriteOptions write, CancellationToken cancellationToken) =>
        await CreateThroughLeaseAsync(key, factory, write, cancellationToken).ConfigureAwait(false);

    public Task RemoveAsync(string key, CancellationToken cancellationToken = default) => InvalidateAsync(key, cancellationToken);

    public Task InvalidateAsync(string key, CancellationToken cancellationToken = default) => InvalidateVersionedAsync(key, cancellationToken);

    /// <summary>
    /// <see cref="InvalidateAsync(string, CancellationToken)"/>, returning the version the key's grain gave the change
    /// (for history checkers that compare versions across clients).
    /// </summary>
    internal async Task<CacheVersion> InvalidateVersionedAsync(string key, CancellationToken cancellationToken)
    {
        ValidateKey(key);
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
        return SetBytesCoreAsync(key, value, new CacheWriteOptions(ttl, []), null, cancellationToken);
    }

    /// <summary>Subscribes to the partition feeds now rather than on first use (the client or silo became active).</summary>
    public void Start() => _feeds.Start();

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private async Task<CacheVersion> SetBytesCoreAsync(string key, byte[] bytes, CacheWriteOptions write, TypedValue? typed, CancellationToken cancellationToken)
    {
        var ticket = _near.BeginFill(key);
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

    /// <summary>
    /// One remote read per key at a time in this client; concurrent readers share it, unless the key changed (as far as
    /// this client knows) since it began: its result may then be older than what this reader already saw, so the reader
    /// starts a new one (monotonic reads, read-your-writes).
    /// </summary>
    private Task<CacheEntry> ReadRemoteAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_reads.TryGetValue(key, out var current))
            {
                if (current.Ticket is not { } ticket || !_near.IsOvertaken(ticket))
                {
                    return current.Result.WaitAsync(cancellationToken);
                }

                var replacement = new RemoteRead(this, key);
                if (_reads.TryUpdate(key, replacement, current))
                {
                    return replacement.Result.WaitAsync(cancellationToken);
                }
            }
            else
            {
                var read = new RemoteRead(this, key);
                if (_reads.TryAdd(key, read))
                {
                    return read.Result.WaitAsync(cancellationToken);
                }
            }
        }
    }

    private async Task<CacheEntry> ReadAndFillAsync(RemoteRead read)
    {
        var key = read.Key;
        var ticket = _near.BeginFill(key);
        read.Ticket = ticket;
        try
        {
            var tracker = await TrackerAsync(ticket, CancellationToken.None).ConfigureAwait(false);
            var entry = await IdempotentAsync(() => Entry(key).GetAsync(tracker), CancellationToken.None).ConfigureAwait(false);
            if (AfterRemoteRead is { } hook)
            {
                await hook(key).ConfigureAwait(false);
            }

            CompleteFill(ticket, entry);
            return entry;
        }
        catch
        {
            _near.AbandonFill(ticket);
            throw;
        }
        finally
        {
            _reads.TryRemove(new KeyValuePair<string, RemoteRead>(key, read));
        }
    }

    private async Task<CreatedValue> CreateThroughLeaseAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheWriteOptions write, CancellationToken cancellationToken)
    {
        var grain = Entry(key);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ticket = _near.BeginFill(key);
            try
            {
                var tracker = await TrackerAsync(ticket, cancellationToken).ConfigureAwait(false);
                var lease = await IdempotentAsync(() => grain.GetOrLeaseAsync(_options.LeaseTimeout, tracker), cancellationToken).ConfigureAwait(false);
                switch (lease.Outcome)
                {
                    case LeaseOutcome.Hit:
                        CompleteFill(ticket, lease.Entry!);
                        return new CreatedValue(_serializer.Deserialize<T>(lease.Entry!.Value), lease.Entry.Value!);
                    case LeaseOutcome.Granted:
                        return await FillAsync(grain, ticket, tracker, lease.LeaseId, factory, write, cancellationToken).ConfigureAwait(false);
                    default:
                        _metrics.LeaseWait();
                        var wait = lease.Remaining < MaxFillWait ? lease.Remaining : MaxFillWait;
                        var fill = await IdempotentAsync(() => grain.WaitForFillAsync(lease.LeaseId, wait, tracker), cancellationToken).ConfigureAwait(false);
                        if (fill.Outcome == FillOutcome.Filled)
                        {
                            CompleteFill(ticket, fill.Entry!);
                            return new CreatedValue(_serializer.Deserialize<T>(fill.Entry!.Value), fill.Entry.Value!);
                        }

                        _near.AbandonFill(ticket);
                        if (fill.Outcome == FillOutcome.Failed)
                        {
                            throw new CacheFactoryException($"The value factory for '{key}' failed in the caller that filled it: {fill.Error}");
                        }

                        // Voided, expired or superseded: ask again; one of the callers gets the next lease.
                        continue;
                }
            }
            catch
            {
                _near.AbandonFill(ticket);
                throw;
            }
        }
    }

    private async Task<CreatedValue> FillAsync<T>(ICacheEntryGrain grain, FillTicket ticket, Guid tracker, Guid leaseId, Func<CancellationToken, Task<T>> factory, CacheWriteOptions write, CancellationToken cancellationToken)
    {
        _metrics.FactoryRun();
        T value;
        byte[] bytes;
        try
        {
            value = await factory(cancellationToken).ConfigureAwait(false);
            bytes = Serialize(value);
        }
        catch (Exception ex)
        {
            // Release the lease so waiters learn of the failure now, not when it expires.
            try
            {
                await grain.FailLeaseAsync(leaseId, $"{ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            }
            catch (Exception releaseFailure)
            {
                LogLeaseReleaseFailed(_logger, ticket.Key, releaseFailure.Message);
            }

            throw;
        }

        var stored = await IdempotentAsync(() => grain.CompleteLeaseAsync(leaseId, bytes, write, tracker), cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            // The key was invalidated while the factory ran: the value is the caller's, not the cache's.
            _near.AbandonFill(ticket);
        }
        else
        {
            CompleteFill(ticket, stored, new TypedValue(typeof(T), value));
        }

        return new CreatedValue(value, bytes);
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

    private static CacheWriteOptions ToWriteOptions(CacheEntryOptions? options)
    {
        if (options is null)
        {
            return CacheWriteOptions.Default;
        }

        if (options.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            throw new ArgumentException("A time to live must be positive.", nameof(options));
        }

        var tags = options.Tags.ToArray();
        CacheInputRules.ValidateTags(tags, nameof(options));
        return new CacheWriteOptions(options.Ttl, tags);
    }

    /// <summary>
    /// Runs an idempotent cache call, sending it again after failures that mean it did not run or may safely run again:
    /// the target silo was unavailable or rejected the message (a silo died and the cluster has not yet moved its
    /// grains), the gateway connection failed, or storage refused a stale activation's change (a newer activation of
    /// the key had claimed it: docs/adr/0042; the stale one deactivates, so the call reaches a new one). Every cache
    /// operation is idempotent (reads, setting a value, invalidating, version checks, and lease calls, which name their
    /// lease), so a failover is invisible to cache users. Retries stay within <see cref="OrleansCacheClientOptions.RetryTimeout"/>;
    /// timeouts are not retried (the call may still be running).
    /// </summary>
    private async Task<T> IdempotentAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        // Real time: a test's fake cache clock must not stall retries.
        var real = TimeProvider.System;
        var started = real.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRetriable(ex) && !cancellationToken.IsCancellationRequested && real.GetElapsedTime(started) + delay < _options.RetryTimeout)
            {
                _metrics.Retry(ex.GetType().Name);
                await Task.Delay(delay, real, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
            }
        }
    }

    /// <summary>Failures after which the call certainly did not take effect, or may be sent again because it is idempotent.</summary>
    internal static bool IsRetriable(Exception ex) =>
        ex is CacheStorageConflictException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException;

    /// <summary>
    /// The subscription this fill registers with the key's grain; if the key's partition is not live, none, and the
    /// ticket is voided so the result is not cached. Asked after the ticket began, so a resynchronization that starts in
    /// between voids the ticket instead.
    /// </summary>
    private async ValueTask<Guid> TrackerAsync(FillTicket ticket, CancellationToken cancellationToken)
    {
        var tracker = await _feeds.TrackerForAsync(ticket.Partition, cancellationToken).ConfigureAwait(false);
        if (tracker == Guid.Empty)
        {
            _near.VoidFill(ticket);
        }

        return tracker;
    }

    /// <summary>A remote read of one key that concurrent readers share; it starts when its result is first asked for.</summary>
    private sealed class RemoteRead
    {
        private readonly Lazy<Task<CacheEntry>> _result;

        public RemoteRead(CacheClient owner, string key)
        {
            Key = key;
            _result = new Lazy<Task<CacheEntry>>(() => owner.ReadAndFillAsync(this));
        }

        public string Key { get; }

        /// <summary>Its fill ticket, once it began (set before its first await).</summary>
        public FillTicket? Ticket { get; set; }

        public Task<CacheEntry> Result => _result.Value;
    }

    /// <summary>What a shared get-or-create produced: the value (typed for its first caller) and its bytes (for the others).</summary>
    private sealed record CreatedValue(object? Value, byte[] Bytes);

    /// <summary>Fills the near-cache from a remote result.</summary>
    private void CompleteFill(FillTicket ticket, CacheEntry entry, TypedValue? typed = null) => _near.CompleteFill(ticket, entry, typed);

    private ICacheEntryGrain Entry(string key) => _grains.GetGrain<ICacheEntryGrain>(key);

    /// <summary>The coordinator is a stateless worker: key 0 runs on whichever silo receives the call.</summary>
    private ICacheCoordinatorGrain Coordinator() => _grains.GetGrain<ICacheCoordinatorGrain>(0);
}
