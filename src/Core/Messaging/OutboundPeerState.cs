using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Messaging;

/// <summary>What the connecting side of a connection knows about its peer; completes as the handshake's frames arrive.</summary>
internal class OutboundPeerState
{
    public TaskCompletionSource<Welcome> Welcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<AuthChallenge> Challenge { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Takes the handshake's frames (the first Welcome, a challenge before it); false for anything else, which the
    /// connection's handler then deals with.
    /// </summary>
    public bool TryAcceptHandshake(Envelope envelope) => envelope.BodyCase switch
    {
        Envelope.BodyOneofCase.Welcome => Welcome.TrySetResult(envelope.Welcome),
        Envelope.BodyOneofCase.AuthChallenge => !Welcome.Task.IsCompleted && Challenge.TrySetResult(envelope.AuthChallenge),
        _ => false,
    };
}
