using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansCache.Grains.Diagnostics;
using OrleansCache.Grains.Feeds;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Streams;

/// <summary>
/// Publishes every invalidation the cluster applies on the configured Orleans stream provider
/// (<see cref="CacheStreamOptions"/>): a key's on its own stream, pattern, tag and "all" on the broad stream. Each
/// invalidation is heard once in the cluster, on the silo that made it, so it is published once (docs/streams.md).
/// </summary>
/// <remarks>
/// Invalidations are heard on a grain's turn, before the feeds have them: they are only queued there (bounded: past
/// <see cref="CacheStreamOptions.QueueCapacity"/> they are dropped and counted), so the provider can neither hold up
/// nor fail a write, nor delay the clients' own push. A loop hands them to the provider in batches: within a batch,
/// streams are published concurrently and each stream's events one after the other, and a batch ends before the next
/// starts, so one key's events reach its stream in the order its grain made them.
/// </remarks>
internal sealed partial class InvalidationStreamPublisher : InvalidationQueueLoop<CacheInvalidationEvent>, ICacheInvalidationObserver
{
    private const int MaxBatch = 64;

    private readonly CacheStreamOptions _options;
    private readonly IServiceProvider _services;
    private readonly CacheSiloMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private IStreamProvider? _provider;
    private int _dropping;
    private int _failing;

    // Started once the silo is active: the stream providers are ready by then, and grains take calls.
    public InvalidationStreamPublisher(IOptions<CacheStreamOptions> options, IServiceProvider services, CacheSiloMetrics metrics, TimeProvider time, ILogger<InvalidationStreamPublisher> logger)
        : base(options.Value.QueueCapacity, ServiceLifecycleStage.Active)
    {
        _options = options.Value;
        _services = services;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    protected override bool Enabled => _options.ProviderName is not null;

    public void OnInvalidated(Invalidation invalidation)
    {
        if (!Enabled)
        {
            return;
        }

        var published = new CacheInvalidationEvent(invalidation.Kind, invalidation.Target, invalidation.Version, invalidation.Operation, _time.GetUtcNow(), invalidation.TraceParent);
        if (TryEnqueue(published))
        {
            Volatile.Write(ref _dropping, 0);
            return;
        }

        _metrics.StreamEventDropped();

        // Once per run of drops, not once per event: a stuck provider would otherwise flood the log.
        if (Interlocked.Exchange(ref _dropping, 1) == 0)
        {
            LogDropping(_logger, _options.ProviderName!, _options.QueueCapacity);
        }
    }

    protected override void OnStarting() =>
        // A misspelt provider fails the silo's start, rather than every event after it.
        _provider = _services.GetKeyedService<IStreamProvider>(_options.ProviderName)
            ?? throw new InvalidOperationException($"{CacheStreamOptions.SectionName}:{nameof(CacheStreamOptions.ProviderName)} is '{_options.ProviderName}', but the silo has no stream provider of that name; add it (e.g. siloBuilder.AddMemoryStreams(\"{_options.ProviderName}\")) or leave the setting out.");

    protected override async Task RunAsync(ChannelReader<CacheInvalidationEvent> queue, CancellationToken cancellationToken)
    {
        var provider = _provider!;
        var batch = new List<CacheInvalidationEvent>(MaxBatch);
        try
        {
            while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && queue.TryRead(out var item))
                {
                    batch.Add(item);
                }

                // GroupBy keeps each group's items in the order they were queued.
                await Task.WhenAll(batch.GroupBy(StreamOf).Select(stream => PublishInOrderAsync(provider, stream.Key, stream))).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private StreamId StreamOf(CacheInvalidationEvent item) => item.Kind == InvalidationKind.Key
        ? StreamId.Create(_options.KeyNamespace, item.Target!)
        : StreamId.Create(_options.BroadNamespace, CacheInvalidationEvent.BroadStreamKey);

    private async Task PublishInOrderAsync(IStreamProvider provider, StreamId id, IEnumerable<CacheInvalidationEvent> items)
    {
        IAsyncStream<CacheInvalidationEvent>? stream = null;
        foreach (var item in items)
        {
            try
            {
                stream ??= provider.GetStream<CacheInvalidationEvent>(id);

                // Real time, not the cache's clock: a test's fake clock must not stop the bound. Providers take no token.
                await stream.OnNextAsync(item).WaitAsync(_options.PublishTimeout).ConfigureAwait(false);
                _metrics.StreamEventPublished(item.Kind);
                Volatile.Write(ref _failing, 0);
            }
            catch (Exception ex)
            {
                // Counted every time, logged once per run of failures; not retried: a retry after a timeout could
                // repeat the event, and after a later one reorder it.
                _metrics.StreamEventFailed(item.Kind);
                if (Interlocked.Exchange(ref _failing, 1) == 0)
                {
                    LogFailed(_logger, ex, CacheSiloMetrics.KindName(item.Kind), _options.ProviderName!);
                }
            }
        }
    }
}
