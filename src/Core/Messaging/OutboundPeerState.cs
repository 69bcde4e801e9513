using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Messaging;

/// <summary>What the connecting side of a connection knows about its peer; completes when the Welcome arrives.</summary>
internal class OutboundPeerState
{
    public TaskCompletionSource<Welcome> Welcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
