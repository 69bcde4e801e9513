using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Client.Diagnostics;
using OrleansCache.Client.NearCaching;
using OrleansCache.Core;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Client.Caching;

/// <summary>
/// The cache client: near-cache first, then the key's grain. Reads and writes register a fill ticket before they go
/// remote, so an invalidation that overtakes them keeps their (older) result out of the near-cache.
/// </summary>
internal sealed partial class OrleansCacheClient : IOrleansCacheClient
{
    private const int CoordinatorKeys = 8;

    /// <summary>The full name of the silo-side storage conflict (the client does not reference the grains assembly).</summary>
    internal const string StorageConflictType = "OrleansCache.Grains.Storage.CacheStorageConflictException";

    private readonly ClusterClient _cluster;
    private readonly bool _ownsCluster;
    private readonly OrleansCacheClientOptions _options;
    private readonly ICacheSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CacheClientMetrics _metrics;
    private readonly NearCache _near;
    private readonly ConcurrentDictionary<string, RemoteRead> _reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<CreatedValue>>> _creates = new(StringComparer.Ordinal);
    private int _nextCoordinator;

    public OrleansCacheClient(
        ClusterClient cluster,
        bool ownsCluster,
        OrleansCacheClientOptions options,
        ICacheSerializer? serializer = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        OrleansCacheClientOptionsValidator.ThrowIfInvalid(options);
        _cluster = cluster;
        _ownsCluster = ownsCluster;
        _options = options;
        _serializer = serializer ?? new SystemTextJsonCacheSerializer();
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<OrleansCacheClient>();
        _metrics = new CacheClientMetrics(meterFactory);
        _near = new NearCache(options.NearCache, _time);
        _near.Evicted += _metrics.Evicted;
        _cluster.PushReceived += OnPush;
        _cluster.Connected += OnConnected;
        _cluster.Disconnected += OnDisconnected;
    }

    public event EventHandler<CacheInvalidatedEventArgs>? Invalidated;

    /// <summary>The grain-level client underneath.</summary>
    public IClusterClient Cluster => _cluster;

    internal NearCache NearCache => _near;

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

    public async ValueTask DisposeAsync()
    {
        _cluster.PushReceived -= OnPush;
        _cluster.Connected -= OnConnected;
        _cluster.Disconnected -= OnDisconnected;
        if (_ownsCluster)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
    }

    private async Task<CacheVersion> SetBytesCoreAsync(string key, byte[] bytes, CacheWriteOptions write, TypedValue? typed, CancellationToken cancellationToken)
    {
        var ticket = _near.BeginFill(key);
        try
        {
            var version = await IdempotentAsync(() => Entry(key).SetAsync(bytes, write), cancellationToken).ConfigureAwait(false);
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
            var entry = await IdempotentAsync(() => Entry(key).GetAsync(), CancellationToken.None).ConfigureAwait(false);
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
                var lease = await IdempotentAsync(() => grain.GetOrLeaseAsync(_options.LeaseTimeout), cancellationToken).ConfigureAwait(false);
                switch (lease.Outcome)
                {
                    case LeaseOutcome.Hit:
                        CompleteFill(ticket, lease.Entry!);
                        return new CreatedValue(_serializer.Deserialize<T>(lease.Entry!.Value), lease.Entry.Value!);
                    case LeaseOutcome.Granted:
                        return await FillAsync(grain, ticket, lease.LeaseId, factory, write, cancellationToken).ConfigureAwait(false);
                    default:
                        _metrics.LeaseWait();
                        var wait = lease.Remaining < _options.Cluster.ResponseTimeout / 2 ? lease.Remaining : _options.Cluster.ResponseTimeout / 2;
                        var fill = await IdempotentAsync(() => grain.WaitForFillAsync(lease.LeaseId, wait), cancellationToken).ConfigureAwait(false);
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

    private async Task<CreatedValue> FillAsync<T>(ICacheEntryGrain grain, FillTicket ticket, Guid leaseId, Func<CancellationToken, Task<T>> factory, CacheWriteOptions write, CancellationToken cancellationToken)
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

        var stored = await IdempotentAsync(() => grain.CompleteLeaseAsync(leaseId, bytes, write), cancellationToken).ConfigureAwait(false);
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
    /// Runs an idempotent cache call, sending it again if the silo running it failed mid-call (the runtime cannot tell
    /// whether it ran: ADR 0005), the gateway connection dropped, or storage refused a stale activation's change (a
    /// newer activation of the key had read or changed it: ADR 0041; the stale one deactivates, so the call reaches a
    /// new one). Every cache operation is idempotent (reads, setting a value, invalidating, version checks, and lease
    /// calls, which name their lease), so a failover is invisible to cache users. Retries stay within one response
    /// timeout in all, so an unreachable cluster fails as fast as before; timeouts are not retried.
    /// </summary>
    private async Task<T> IdempotentAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        const int Attempts = 3;
        var started = _time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < Attempts
                && (ex is ClusterUnavailableException or ConnectionLostException || IsStaleActivation(ex))
                && !cancellationToken.IsCancellationRequested
                && _time.GetElapsedTime(started) < _options.Cluster.ResponseTimeout)
            {
                // Sent again: the router waits for the membership view to move on from a dead owner.
            }
        }
    }

    /// <summary>Storage refused the change of a stale activation: it did not happen, and that activation is gone.</summary>
    internal static bool IsStaleActivation(Exception ex) =>
        ex is GrainCallException { Kind: GrainCallFailureKind.Application, RemoteExceptionType: StorageConflictType };

    /// <summary>A remote read of one key that concurrent readers share; it starts when its result is first asked for.</summary>
    private sealed class RemoteRead
    {
        private readonly Lazy<Task<CacheEntry>> _result;

        public RemoteRead(OrleansCacheClient owner, string key)
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

    /// <summary>Fills the near-cache from a remote result, noting the membership era its version shows (docs/adr/0038).</summary>
    private void CompleteFill(FillTicket ticket, CacheEntry entry, TypedValue? typed = null)
    {
        _cluster.ObserveMembershipVersion(entry.Version.Era);
        _near.CompleteFill(ticket, entry, typed);
    }

    private ICacheEntryGrain Entry(string key) => _cluster.GetGrain<ICacheEntryGrain>(key);

    private ICacheCoordinatorGrain Coordinator() =>
        _cluster.GetGrain<ICacheCoordinatorGrain>($"coordinator-{(uint)Interlocked.Increment(ref _nextCoordinator) % CoordinatorKeys}");
}
