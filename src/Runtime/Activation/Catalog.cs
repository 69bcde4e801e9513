using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Grains;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.Runtime.Activation;

/// <summary>
/// This silo's activations: creates them on first call, bounds their number, deactivates idle ones and the ones this
/// silo no longer owns. It never decides ownership; the router asks it only for grains this silo owns.
/// </summary>
internal sealed partial class Catalog : IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly GrainCollectionOptions _options;
    private readonly LocalSiloDetails _local;
    private readonly MembershipService _membership;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger<ActivationData> _activationLogger;
    private readonly RuntimeMetrics _metrics;
    private readonly Lazy<IGrainFactory> _grainFactory;
    private long _sequence;
    private volatile bool _creationStopped;
    private ITimer? _collector;

    public Catalog(
        GrainTypeRegistry registry,
        IServiceProvider services,
        IOptions<GrainCollectionOptions> options,
        IOptions<SiloMessagingOptions> messaging,
        LocalSiloDetails local,
        MembershipService membership,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        RuntimeMetrics metrics)
    {
        _registry = registry;
        Services = services;
        _options = options.Value;
        HookTimeout = messaging.Value.CallTimeout;
        _local = local;
        _membership = membership;
        _time = time;
        _logger = loggerFactory.CreateLogger<Catalog>();
        _activationLogger = loggerFactory.CreateLogger<ActivationData>();
        _metrics = metrics;
        _grainFactory = new Lazy<IGrainFactory>(services.GetRequiredService<SiloGrainFactory>);
    }

    public IServiceProvider Services { get; }

    public IGrainFactory GrainFactory => _grainFactory.Value;

    public SiloAddress LocalSilo => _local.Address;

    /// <summary>How long activation and deactivation hooks may run.</summary>
    public TimeSpan HookTimeout { get; }

    public int Count => _activations.Count;

    /// <summary>The grain ids of the live activations (a moment's picture).</summary>
    public IReadOnlyCollection<GrainId> ActiveGrains => [.. _activations.Keys];

    /// <summary>Graceful stop: calls for grains without a live activation are routed elsewhere from now on.</summary>
    public void StopCreatingActivations() => _creationStopped = true;

    /// <summary>True once this silo creates no more activations (stopping or killed).</summary>
    public bool IsCreationStopped => _creationStopped;

    /// <summary>Completes when <paramref name="grainId"/> has no activation here (at once if it has none now).</summary>
    public Task WhenDeactivated(GrainId grainId) =>
        _activations.TryGetValue(grainId, out var activation) ? activation.Deactivated : Task.CompletedTask;

    public void StartCollector()
    {
        _collector = _time.CreateTimer(static s => ((Catalog)s!).CollectIdle(), this, _options.CollectionInterval, _options.CollectionInterval);
    }

    /// <summary>
    /// Runs a call on this silo's activation of its grain. Null means the call was not run and must be routed again
    /// (the activation was deactivating, e.g. because ownership moved).
    /// </summary>
    public async Task<Response?> InvokeAsync(Request request, long deadlineTimestamp)
    {
        if (!_registry.TryGet(request.GrainType, out var type))
        {
            _metrics.CallRejected("unknown_grain_type");
            return Failures.UnknownGrainType($"No grain type '{request.GrainType}' is registered on the silos. Register it with AddGrain<TInterface, TImplementation>().");
        }

        if (!type.Descriptor.ByName.ContainsKey(request.Method))
        {
            _metrics.CallRejected("unknown_method");
            return Failures.UnknownMethod($"Grain type '{request.GrainType}' has no method '{request.Method}'.");
        }

        GrainId grainId;
        try
        {
            grainId = new GrainId(request.GrainType, request.GrainKey);
        }
        catch (ArgumentException ex)
        {
            return Failures.BadRequest(ex.Message);
        }

        var item = new WorkItem(request, deadlineTimestamp);
        if (_creationStopped && !_activations.ContainsKey(grainId))
        {
            // The caller routes again, with a view that no longer names this silo as the owner.
            return null;
        }

        var activation = GetOrCreate(grainId, type);
        if (activation is null)
        {
            _metrics.CallRejected("activation_limit");
            return Failures.Overloaded($"The silo holds {_options.MaxActivations} activations, none idle; retry later or raise {nameof(GrainCollectionOptions.MaxActivations)}.");
        }

        switch (activation.TryEnqueue(item))
        {
            case EnqueueResult.Accepted:
                return await item.Completion.Task.ConfigureAwait(false);
            case EnqueueResult.QueueFull:
                _metrics.CallRejected("queue_full");
                return Failures.Overloaded($"{grainId} has {_options.MaxQueuedCallsPerActivation} calls queued; retry later.");
        }

        // Deactivating: let the old activation finish before the caller decides again where this call goes.
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadlineTimestamp);
        try
        {
            if (remaining > TimeSpan.Zero)
            {
                await activation.Deactivated.WaitAsync(remaining, _time).ConfigureAwait(false);
                return null;
            }
        }
        catch (TimeoutException)
        {
        }

        return Failures.Timeout($"{grainId} was deactivating until the call's deadline.");
    }

    /// <summary>Deactivates every activation whose grain <paramref name="stillOwned"/> says this silo no longer owns.</summary>
    public void DeactivateNotOwned(Func<GrainId, bool> stillOwned, DeactivationReason reason)
    {
        foreach (var activation in _activations.Values)
        {
            if (!stillOwned(activation.GrainId))
            {
                activation.Deactivate(reason);
            }
        }
    }

    /// <summary>Deactivates everything and waits for it, up to <paramref name="timeout"/>.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, TimeSpan timeout)
    {
        var all = _activations.Values.ToList();
        foreach (var activation in all)
        {
            activation.Deactivate(reason);
        }

        try
        {
            await Task.WhenAll(all.Select(a => a.Deactivated)).WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDeactivationTimedOut(_logger, _activations.Count);
        }
    }

    /// <summary>Crash: drop every activation without running hooks.</summary>
    public void Abort()
    {
        _collector?.Dispose();
        foreach (var activation in _activations.Values)
        {
            activation.Abort();
        }
    }

    public ValueTask DisposeAsync()
    {
        _collector?.Dispose();
        return ValueTask.CompletedTask;
    }

    internal void OnDeactivated(ActivationData activation, DeactivationReason reason)
    {
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));
        _metrics.ActivationDeactivated(reason);
        LogDeactivated(_logger, activation.GrainId, reason);
    }

    private ActivationData? GetOrCreate(GrainId grainId, GrainTypeInfo type)
    {
        if (_activations.TryGetValue(grainId, out var existing))
        {
            return existing;
        }

        if (_activations.Count >= _options.MaxActivations && !EvictLeastRecentlyUsed())
        {
            return null;
        }

        var epoch = new ActivationEpoch(_membership.CurrentView.Version, Interlocked.Increment(ref _sequence));
        var created = new ActivationData(this, grainId, type, epoch, _options.MaxQueuedCallsPerActivation, _time, _activationLogger);
        var winner = _activations.GetOrAdd(grainId, created);
        if (ReferenceEquals(winner, created))
        {
            _metrics.ActivationCreated();
            created.Start();
        }

        return winner;
    }

    /// <summary>Deactivates the least recently used idle activations (a tenth of the limit, at least one).</summary>
    private bool EvictLeastRecentlyUsed()
    {
        var batch = Math.Max(1, _options.MaxActivations / 10);
        var victims = _activations.Values
            .Where(a => a.IsIdle && !a.IsDeactivating)
            .OrderBy(a => a.LastActiveTimestamp)
            .Take(batch)
            .ToList();
        foreach (var victim in victims)
        {
            victim.Deactivate(DeactivationReason.ActivationLimit);
        }

        // Evicted activations leave the table asynchronously; making room means they are on their way out.
        return victims.Count > 0;
    }

    private void CollectIdle()
    {
        var now = _time.GetTimestamp();
        foreach (var activation in _activations.Values)
        {
            if (activation.IsIdle && _time.GetElapsedTime(activation.LastActiveTimestamp, now) >= _options.IdleTimeout)
            {
                activation.Deactivate(DeactivationReason.IdleTimeout);
            }
        }
    }

    [LoggerMessage(EventId = 3203, Level = LogLevel.Debug, Message = "Deactivated grain {GrainId}: {Reason}")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "{Remaining} activations were still deactivating when the time ran out")]
    private static partial void LogDeactivationTimedOut(ILogger logger, int remaining);
}
