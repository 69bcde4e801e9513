using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Activation;

/// <summary>A call waiting in an activation's mailbox. A null result means "not run here: route it again".</summary>
internal sealed class WorkItem(Request request, long deadlineTimestamp)
{
    public Request Request { get; } = request;

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> after which the caller has given up.</summary>
    public long DeadlineTimestamp { get; } = deadlineTimestamp;

    public TaskCompletionSource<Response?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
