namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Why a bridge message was refused: <see cref="Reason"/> is the stable code used as a metric tag,
/// <see cref="Detail"/> a human sentence for logs that echoes at most 64 characters of the message.
/// </summary>
internal sealed record BridgeRejection(BridgeRejectionReason Reason, string Detail);
