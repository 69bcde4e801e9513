using System.Buffers;
using System.IO.Pipelines;

namespace OrleansCache.Fuzz.Tests.Messaging;

/// <summary>
/// A pipe reader that tells when its consumer has looked at a given number of bytes: a test then knows every whole
/// frame it fed was handled, without waiting for a fixed time.
/// </summary>
internal sealed class WatchedPipeReader(PipeReader inner) : PipeReader
{
    private readonly Lock _lock = new();
    private ReadOnlySequence<byte> _last;
    private long _consumed;
    private long _examined;
    private (long Target, TaskCompletionSource Signal)? _waiter;

    /// <summary>Completes once the consumer has examined at least <paramref name="bytes"/> bytes in total.</summary>
    public Task WhenExamined(long bytes)
    {
        lock (_lock)
        {
            if (_examined >= bytes)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = (bytes, signal);
            return signal.Task;
        }
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        lock (_lock)
        {
            _examined = _consumed + _last.Slice(0, examined).Length;
            _consumed += _last.Slice(0, consumed).Length;
            if (_waiter is { } waiter && _examined >= waiter.Target)
            {
                waiter.Signal.TrySetResult();
                _waiter = null;
            }
        }

        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken);
        Remember(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Remember(result);
        return true;
    }

    private void Remember(ReadResult result)
    {
        lock (_lock)
        {
            _last = result.Buffer;
        }
    }
}
