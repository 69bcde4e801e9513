using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace OrleansCache.FaultInjection.Cluster;

/// <summary>
/// A gate in a fault client's connection pipeline (Orleans' client connection middleware), between the client and its
/// sockets. Open, bytes pass as they come. Stalled, every connection stays open but nothing passes either way until the
/// gate opens (a hung network path: no reset, no error, only silence). Delayed, every chunk waits before it passes (a
/// slow path). Bytes are never dropped or reordered, so a stall or a delay loses nothing: it only makes it late.
/// </summary>
/// <remarks>
/// Unlike <c>ClientConnectionSwitch.Cut</c>, which aborts connections (the silos see a reset at once), neither side
/// learns of a stall except by timeouts: calls time out at the client, the feeds' heartbeats to the client go
/// unanswered, and the client hears no heartbeat from its feeds.
/// </remarks>
internal sealed class ConnectionGate
{
    private readonly Lock _lock = new();

    // Completed while open; a stall replaces it with one that the reopening completes.
    private TaskCompletionSource _open = Opened();
    private TimeSpan _delay;

    /// <summary>Stops every byte, both ways, on every connection (open and new) until <see cref="Open"/>.</summary>
    public void Stall()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Holds every chunk of bytes, both ways, for <paramref name="delay"/> before it passes, until <see cref="Open"/>.</summary>
    public void Delay(TimeSpan delay)
    {
        lock (_lock)
        {
            _delay = delay;
        }
    }

    /// <summary>Lets bytes pass as they come again, those held first.</summary>
    public void Open()
    {
        TaskCompletionSource stalled;
        lock (_lock)
        {
            stalled = _open;
            _open = Opened();
            _delay = TimeSpan.Zero;
        }

        stalled.TrySetResult();
    }

    public ConnectionDelegate Use(ConnectionDelegate next) => async context =>
    {
        var network = context.Transport;
        var toClient = new Pipe();
        var toNetwork = new Pipe();
        using var closing = new CancellationTokenSource();
        var inbound = PumpAsync(network.Input, toClient.Writer, closing.Token);
        var outbound = PumpAsync(toNetwork.Reader, network.Output, closing.Token);
        context.Transport = new GatedTransport(toClient.Reader, toNetwork.Writer);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            // The client is done with the connection: stop pumping, even while stalled, and hand back the sockets' pipes.
            await closing.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(inbound, outbound).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            context.Transport = network;
        }
    };

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task PumpAsync(PipeReader from, PipeWriter to, CancellationToken closing)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(closing).ConfigureAwait(false);
                var buffer = read.Buffer;
                if (!buffer.IsEmpty)
                {
                    await PassAsync(closing).ConfigureAwait(false);
                    foreach (var segment in buffer)
                    {
                        to.Write(segment.Span);
                    }

                    var flushed = await to.FlushAsync(closing).ConfigureAwait(false);
                    from.AdvanceTo(buffer.End);
                    if (flushed.IsCompleted || flushed.IsCanceled)
                    {
                        break;
                    }
                }
                else
                {
                    from.AdvanceTo(buffer.End);
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex;
        }

        await from.CompleteAsync(error).ConfigureAwait(false);
        await to.CompleteAsync(error).ConfigureAwait(false);
    }

    /// <summary>Waits while the gate is stalled, then for the delay if one is set.</summary>
    private async Task PassAsync(CancellationToken closing)
    {
        Task open;
        TimeSpan delay;
        lock (_lock)
        {
            open = _open.Task;
            delay = _delay;
        }

        await open.WaitAsync(closing).ConfigureAwait(false);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, closing).ConfigureAwait(false);
        }
    }

    private sealed class GatedTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
