using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Messaging;

/// <summary>
/// One multiplexed, framed connection: many requests in flight matched to responses by id, one-way messages in both
/// directions, keep-alive pings. The same type serves the silo side (a Kestrel transport) and the client side
/// (a socket), because both are just an <see cref="IDuplexPipe"/>.
/// </summary>
/// <remarks>
/// One read loop and one write loop. Sends go through a bounded queue so senders feel back-pressure and many small
/// frames are written with one flush. A protocol violation, an I/O error or keep-alive silence closes the connection;
/// every call still waiting on it then fails with <see cref="ConnectionLostException"/>.
/// </remarks>
internal sealed partial class FramedConnection
{
    private const int FlushThresholdBytes = 64 * 1024;

    private readonly IDuplexPipe _transport;
    private readonly ConnectionOptions _options;
    private readonly IEnvelopeHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDisposable? _resource;
    private readonly Channel<Envelope> _outbox;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Response>> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextRequestId;
    private long _lastReceived;
    private long _lastSent;
    private int _closing;
    private int _draining;
    private Exception? _closeReason;
    private ITimer? _keepAliveTimer;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;

    public FramedConnection(
        IDuplexPipe transport,
        ConnectionOptions options,
        IEnvelopeHandler handler,
        TimeProvider time,
        ILogger logger,
        string name,
        IDisposable? resource = null)
    {
        _transport = transport;
        _options = options;
        _handler = handler;
        _time = time;
        _logger = logger;
        _resource = resource;
        Name = name;
        _outbox = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>A name for logs: the remote endpoint and role.</summary>
    public string Name { get; }

    /// <summary>Whatever the owner attaches after the handshake (e.g. the peer's identity).</summary>
    public object? PeerState { get; set; }

    /// <summary>Completes once the connection is closed and both loops have stopped.</summary>
    public Task Completion => _closed.Task;

    /// <summary>Why the connection closed; null while open or after an orderly close.</summary>
    public Exception? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>True once closing has begun; nothing more is sent.</summary>
    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    /// <summary>True once <see cref="CloseWhenIdle"/> was called: no new requests are sent.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) != 0;


    /// <summary>Starts the read and write loops and the keep-alive timer.</summary>
    public void Start()
    {
        var now = _time.GetTimestamp();
        _lastReceived = now;
        _lastSent = now;
        _readLoop = Task.Run(ReadLoopAsync);
        _writeLoop = Task.Run(WriteLoopAsync);
        if (_options.KeepAliveInterval != Timeout.InfiniteTimeSpan)
        {
            _keepAliveTimer = _time.CreateTimer(static s => ((FramedConnection)s!).OnKeepAliveTick(), this, _options.KeepAliveInterval, _options.KeepAliveInterval);
        }

        _ = Task.WhenAll(_readLoop, _writeLoop).ContinueWith(
            static (_, s) => ((FramedConnection)s!).FinishClose(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Sends a request and waits for its response.</summary>
    /// <exception cref="ConnectionLostException">The connection closed before the response arrived.</exception>
    /// <exception cref="GrainCallTimeoutException">No response within <paramref name="timeout"/>.</exception>
    /// <exception cref="MessageTooLargeException">The request exceeds the frame limit.</exception>
    /// <exception cref="ConnectionDrainingException">The connection takes no new requests; nothing was sent.</exception>
    public async Task<Response> SendRequestAsync(Request request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (IsDraining)
        {
            throw new ConnectionDrainingException($"{Name} is closing and takes no new requests.");
        }

        var id = (ulong)Interlocked.Increment(ref _nextRequestId);
        request.Id = id;
        var completion = new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            // Close() fails what it finds in _pending after setting _closing; checking after the insert closes the race.
            if (IsClosed)
            {
                throw CreateConnectionLost();
            }

            await SendAsync(new Envelope { Request = request }, cancellationToken).ConfigureAwait(false);
            return await completion.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new GrainCallTimeoutException(
                $"No response to '{request.Method}' on {request.GrainType}/{request.GrainKey} within {timeout.TotalMilliseconds:0} ms (via {Name}).");
        }
        finally
        {
            // A draining connection closes once nothing is pending, whether the last request was answered, timed out or
            // was cancelled: otherwise it stays open (keep-alive answered) until the other side gives up on it.
            if (_pending.TryRemove(id, out _) && IsDraining && _pending.IsEmpty)
            {
                Close(null);
            }
        }
    }

    /// <summary>Queues a message, waiting while the send queue is full.</summary>
    /// <exception cref="ConnectionLostException">The connection is closed.</exception>
    /// <exception cref="MessageTooLargeException">The message exceeds the frame limit.</exception>
    public async ValueTask SendAsync(Envelope envelope, CancellationToken cancellationToken = default)
    {
        EnsureFits(envelope);
        if (_outbox.Writer.TryWrite(envelope))
        {
            return;
        }

        try
        {
            await _outbox.Writer.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw CreateConnectionLost();
        }
    }

    /// <summary>Queues a message without waiting; false if the connection is closed or its send queue is full.</summary>
    public bool TrySend(Envelope envelope)
    {
        if (envelope.CalculateSize() > _options.MaxFrameBytes)
        {
            return false;
        }

        return _outbox.Writer.TryWrite(envelope);
    }

    /// <summary>
    /// Sends no new requests and closes once every request already sent has its response (at once if none is pending).
    /// </summary>
    public void CloseWhenIdle()
    {
        Volatile.Write(ref _draining, 1);
        if (_pending.IsEmpty)
        {
            Close(null);
        }
    }

    /// <summary>Stops accepting sends, writes what is queued, then closes.</summary>
    public async Task CloseGracefullyAsync(TimeSpan timeout)
    {
        _outbox.Writer.TryComplete();
        try
        {
            await _writeLoop.WaitAsync(timeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The peer is not reading; give up on the rest.
        }

        Close(null);
        await Completion.ConfigureAwait(false);
    }

    /// <summary>Closes the connection now; waiting calls fail with <see cref="ConnectionLostException"/>.</summary>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _closeReason, reason);
        _keepAliveTimer?.Dispose();
        _outbox.Writer.TryComplete();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiting))
            {
                waiting.TrySetException(CreateConnectionLost());

                // Marked observed: a caller that already gave up (its send failed as the connection closed) never looks,
                // and the fuzz suite saw that as an unobserved exception (docs/fuzzing.md). A caller still waiting gets it anyway.
                _ = waiting.Task.Exception;
            }
        }

        // Wake the loops so they finish and complete their pipe ends themselves. A socket is closed outright, which
        // ends its stream's reads and flushes; stream pipes do not support cancelling concurrently with their own
        // completion, so they are not asked to.
        if (_resource is not null)
        {
            DisposeResource();
            return;
        }

        _transport.Input.CancelPendingRead();
        _transport.Output.CancelPendingFlush();
    }

    private async Task ReadLoopAsync()
    {
        var input = _transport.Input;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                try
                {
                    while (FrameCodec.TryReadFrame(ref buffer, _options.MaxFrameBytes, out var payload))
                    {
                        var envelope = FrameCodec.Parse(payload);
                        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                        Dispatch(envelope);
                    }

                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty)
                        {
                            throw new ProtocolViolationException($"Connection ended inside a frame ({buffer.Length} bytes of it received).") { Reason = "truncated" };
                        }

                        break;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (ProtocolViolationException ex)
        {
            failure = ex;
            LogProtocolViolation(_logger, Name, ex.Message);
        }
        catch (Exception ex) when (!IsClosed)
        {
            failure = ex;
            LogConnectionFailed(_logger, Name, ex.Message);
        }
        catch (Exception)
        {
            // Closing already; the error is the close itself.
        }
        finally
        {
            Close(failure);
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbox.Reader;
        var output = _transport.Output;
        Exception? failure = null;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var envelope))
                {
                    FrameCodec.Write(output, envelope, _options.MaxFrameBytes);
                    if (output.CanGetUnflushedBytes && output.UnflushedBytes >= FlushThresholdBytes)
                    {
                        var partial = await output.FlushAsync().ConfigureAwait(false);
                        if (partial.IsCompleted || partial.IsCanceled)
                        {
                            return;
                        }
                    }
                }

                var flushed = await output.FlushAsync().ConfigureAwait(false);
                Volatile.Write(ref _lastSent, _time.GetTimestamp());
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (!IsClosed)
        {
            failure = ex;
            LogConnectionFailed(_logger, Name, ex.Message);
        }
        catch (Exception)
        {
            // Closing already.
        }
        finally
        {
            Close(failure);
            await CompleteQuietlyAsync(output).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Completes the output. A stream-backed writer flushes what it still buffers first, which throws once the socket
    /// is closed; the connection is closed already and nobody awaits this loop, so that is the end of it (the fuzz suite
    /// found the unobserved exception, docs/fuzzing.md).
    /// </summary>
    private static async ValueTask CompleteQuietlyAsync(PipeWriter output)
    {
        try
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The transport is gone; what was buffered cannot be sent anyway.
        }
    }

    private void Dispatch(Envelope envelope)
    {
        switch (envelope.BodyCase)
        {
            case Envelope.BodyOneofCase.Response:
                // A response to a call that already timed out finds nothing here and is dropped.
                if (_pending.TryRemove(envelope.Response.Id, out var waiting))
                {
                    waiting.TrySetResult(envelope.Response);
                }

                if (IsDraining && _pending.IsEmpty)
                {
                    Close(null);
                }

                break;
            case Envelope.BodyOneofCase.Ping:
                TrySend(new Envelope { Pong = new Pong { Nonce = envelope.Ping.Nonce } });
                break;
            case Envelope.BodyOneofCase.Pong:
                break;
            default:
                _handler.OnEnvelope(this, envelope);
                break;
        }
    }

    private void OnKeepAliveTick()
    {
        if (IsClosed)
        {
            return;
        }

        var silence = _time.GetElapsedTime(Volatile.Read(ref _lastReceived));
        if (silence > _options.KeepAliveTimeout)
        {
            LogKeepAliveTimeout(_logger, Name, silence.TotalMilliseconds);
            Close(new TimeoutException($"Nothing heard from {Name} for {silence.TotalMilliseconds:0} ms."));
            return;
        }

        if (_time.GetElapsedTime(Volatile.Read(ref _lastSent)) >= _options.KeepAliveInterval
            || silence >= _options.KeepAliveInterval)
        {
            TrySend(new Envelope { Ping = new Ping { Nonce = (ulong)_time.GetTimestamp() } });
        }
    }

    private void FinishClose()
    {
        DisposeResource();
        try
        {
            _handler.OnClosed(this, CloseReason);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private void DisposeResource()
    {
        try
        {
            _resource?.Dispose();
        }
        catch (Exception ex)
        {
            LogConnectionFailed(_logger, Name, ex.Message);
        }
    }

    private void EnsureFits(Envelope envelope)
    {
        var size = envelope.CalculateSize();
        if (size > _options.MaxFrameBytes)
        {
            throw new MessageTooLargeException(
                $"A message of {size} bytes exceeds the frame limit of {_options.MaxFrameBytes} bytes; send a smaller value or raise MaxFrameBytes on clients and silos.");
        }
    }

    private ConnectionLostException CreateConnectionLost()
    {
        var reason = CloseReason;
        var message = $"The connection {Name} closed before the response arrived.";
        return reason is null ? new ConnectionLostException(message) : new ConnectionLostException(message, reason);
    }
}
