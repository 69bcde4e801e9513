using System.Reflection;
using Microsoft.Extensions.Logging;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.Grains;

namespace OrleansCache.Runtime.Activation;

/// <summary>
/// One activation of a grain: its instance and its mailbox. A single loop takes calls from the mailbox and awaits
/// each to the end before the next, which is what makes grain execution turn-based.
/// </summary>
/// <remarks>
/// The mailbox is a plain queue under a lock, drained by a loop that exists only while there is work: an idle
/// activation holds no parked task and no channel, which keeps a silo with a million idle cache entries small.
/// </remarks>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly Catalog _catalog;
    private readonly GrainTypeInfo _type;
    private readonly Queue<WorkItem> _mailbox = new(0);
    private readonly int _mailboxCapacity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _interleaved;
    private Grain? _instance;
    private int _started;
    private int _deactivating;
    private int _busy;
    // True from creation: the activation runs first, and calls that arrive meanwhile (even before Start) wait in the
    // queue for the drain that follows it.
    private bool _draining = true;
    private bool _mailboxClosed;
    private bool _aborted;
    private DeactivationReason _reason;
    private long _lastActiveTimestamp;

    public ActivationData(Catalog catalog, GrainId grainId, GrainTypeInfo type, ActivationEpoch epoch, int mailboxCapacity, TimeProvider time, ILogger logger)
    {
        _catalog = catalog;
        GrainId = grainId;
        _type = type;
        Epoch = epoch;
        _time = time;
        _logger = logger;
        _lastActiveTimestamp = time.GetTimestamp();
        _mailboxCapacity = mailboxCapacity;
    }

    public GrainId GrainId { get; }

    public ActivationEpoch Epoch { get; }

    public SiloAddress Silo => _catalog.LocalSilo;

    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    /// <summary>Completes when the activation is gone and removed from the catalog.</summary>
    public Task Deactivated => _deactivated.Task;

    public bool IsDeactivating => Volatile.Read(ref _deactivating) != 0;

    /// <summary>Running nothing and with nothing queued.</summary>
    public bool IsIdle => Volatile.Read(ref _busy) == 0 && Volatile.Read(ref _interleaved) == 0 && QueuedCount == 0;

    private int QueuedCount
    {
        get
        {
            lock (_mailbox)
            {
                return _mailbox.Count;
            }
        }
    }

    public long LastActiveTimestamp => Volatile.Read(ref _lastActiveTimestamp);

    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(RunAsync);
        }
    }

    public EnqueueResult TryEnqueue(WorkItem item)
    {
        if (IsDeactivating)
        {
            return EnqueueResult.Deactivating;
        }

        if (_type.Descriptor.ByName[item.Request.Method].AlwaysInterleave)
        {
            Interlocked.Increment(ref _interleaved);
            _ = RunInterleavedAsync(item);
            return EnqueueResult.Accepted;
        }

        bool startDrain;
        lock (_mailbox)
        {
            if (_mailboxClosed)
            {
                return EnqueueResult.Deactivating;
            }

            if (_mailbox.Count >= _mailboxCapacity)
            {
                return EnqueueResult.QueueFull;
            }

            _mailbox.Enqueue(item);
            startDrain = !_draining;
            _draining = true;
        }

        if (startDrain)
        {
            _ = Task.Run(DrainAsync);
        }

        return EnqueueResult.Accepted;
    }

    public void Deactivate(DeactivationReason reason)
    {
        if (Interlocked.Exchange(ref _deactivating, 1) == 0)
        {
            _reason = reason;
            bool startDrain;
            lock (_mailbox)
            {
                _mailboxClosed = true;
                startDrain = !_draining;
                _draining = true;
            }

            // An idle activation has no drain loop running: start one to hand back what is queued and finish.
            if (startDrain)
            {
                _ = Task.Run(DrainAsync);
            }
        }
    }

    /// <summary>Crash semantics: no more calls, no deactivation hook.</summary>
    public void Abort()
    {
        _aborted = true;
        _activated.TrySetResult(false);
        Deactivate(DeactivationReason.SiloShuttingDown);
    }

    private async Task RunInterleavedAsync(WorkItem item)
    {
        try
        {
            var activated = await _activated.Task.ConfigureAwait(false);
            item.Completion.TrySetResult(activated ? await InvokeAsync(item).ConfigureAwait(false) : null);
        }
        catch (Exception ex)
        {
            // InvokeAsync answers every failure it expects; anything else still answers the caller, who would wait forever.
            item.Completion.TrySetResult(Failures.Application(ex));
        }
        finally
        {
            Volatile.Write(ref _lastActiveTimestamp, _time.GetTimestamp());
            Interlocked.Decrement(ref _interleaved);
        }
    }

    private async Task RunAsync()
    {
        var activated = await ActivateAsync().ConfigureAwait(false);
        _activated.TrySetResult(activated);
        await DrainAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs queued calls one at a time until the queue is empty, then ends; the next enqueue starts it again. Once the
    /// mailbox is closed and empty, it deactivates the instance. Only one drain runs at a time (<see cref="_draining"/>).
    /// </summary>
    private async Task DrainAsync()
    {
        var activated = _activated.Task.IsCompletedSuccessfully && _activated.Task.Result;
        while (true)
        {
            WorkItem? item;
            lock (_mailbox)
            {
                if (!_mailbox.TryDequeue(out item))
                {
                    if (!_mailboxClosed)
                    {
                        _draining = false;
                        return;
                    }

                    break;
                }
            }

            if (IsDeactivating || !activated)
            {
                // Not started here: hand it back so it is routed to the grain's current owner.
                item.Completion.TrySetResult(_aborted ? Failures.Unavailable("The silo stopped.") : null);
                continue;
            }

            Volatile.Write(ref _busy, 1);
            try
            {
                item.Completion.TrySetResult(await InvokeAsync(item).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                // Never let one call end this loop: the caller would wait forever, and so would every later call to
                // the grain (the fuzz suite found such a call, docs/fuzzing.md).
                item.Completion.TrySetResult(Failures.Application(ex));
            }
            finally
            {
                Volatile.Write(ref _lastActiveTimestamp, _time.GetTimestamp());
                Volatile.Write(ref _busy, 0);
            }
        }

        if (activated && !_aborted)
        {
            await DeactivateInstanceAsync().ConfigureAwait(false);
        }

        _catalog.OnDeactivated(this, _reason);
        _deactivated.TrySetResult();
    }

    private async Task<bool> ActivateAsync()
    {
        try
        {
            _instance = (Grain)_type.Factory(_catalog.Services, null);
            _instance.Attach(this);
            using var timeout = new CancellationTokenSource(_catalog.HookTimeout, _time);
            await _instance.OnActivateAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            LogActivationFailed(_logger, GrainId, ex);
            // Calls already queued learn why; the next call creates a fresh activation.
            var failure = Failures.Application(new InvalidOperationException($"Activating {GrainId} failed: {ex.Message}", ex));
            Deactivate(DeactivationReason.ActivationFailed);
            lock (_mailbox)
            {
                while (_mailbox.TryDequeue(out var item))
                {
                    item.Completion.TrySetResult(failure);
                }
            }

            return false;
        }
    }

    private async Task<Response> InvokeAsync(WorkItem item)
    {
        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), item.DeadlineTimestamp);
        if (remaining <= TimeSpan.Zero)
        {
            return Failures.Timeout("The call waited in the grain's queue past its deadline.");
        }

        var method = _type.Descriptor.ByName[item.Request.Method];
        // A timer per call is costly; only a method that takes a CancellationToken can use the deadline.
        using var deadline = method.CancellationTokenIndex >= 0 ? new CancellationTokenSource(remaining, _time) : null;
        object?[] arguments;
        try
        {
            arguments = method.DecodeArguments(item.Request.Arguments, deadline?.Token ?? CancellationToken.None);
        }
        catch (FormatException ex)
        {
            return Failures.BadRequest(ex.Message);
        }

        try
        {
            var returned = method.Method.Invoke(_instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;
            return new Response { Result = await method.EncodeResult(returned).ConfigureAwait(false) };
        }
        catch (Exception ex)
        {
            return Failures.Application(ex);
        }
    }

    private async Task DeactivateInstanceAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_catalog.HookTimeout, _time);
            await _instance!.OnDeactivateAsync(_reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(_logger, GrainId, ex);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Activating grain {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Deactivating grain {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, GrainId grainId, Exception exception);
}
