namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// A validated invalidation from the Redis bridge: <see cref="Keys"/> holds the key for
/// <see cref="BridgeInvalidationKind.Key"/> (one) and the keys for <see cref="BridgeInvalidationKind.Keys"/> (many);
/// <see cref="Pattern"/> holds the glob for <see cref="BridgeInvalidationKind.Pattern"/>;
/// <see cref="BridgeInvalidationKind.All"/> has neither. The optional metadata is passed through for logs and metrics.
/// </summary>
internal sealed record BridgeInvalidation(
    BridgeInvalidationKind Kind,
    IReadOnlyList<string> Keys,
    string? Pattern,
    string? Source,
    string? MessageId,
    DateTimeOffset? Timestamp);
