using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Redis.Bridge;

/// <summary>One pub/sub message waiting to be handled.</summary>
/// <param name="Path">canonical, typed or keyspace.</param>
/// <param name="Channel">The channel it arrived on (shortened if it was refused for its size already).</param>
/// <param name="Payload">Its bytes (empty if it was refused for its size already).</param>
/// <param name="Prefix">The key prefix of a typed channel or keyspace subscription.</param>
/// <param name="Refused">Set when the message was refused on arrival, before its bytes were copied.</param>
internal sealed record InboundMessage(string Path, string Channel, byte[] Payload, string? Prefix, BridgeRejection? Refused);
