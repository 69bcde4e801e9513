namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Bounds on inbound bridge messages. The publishers are other teams' services, so every size is capped before
/// anything is allocated for it.
/// </summary>
internal sealed class BridgeLimits
{
    /// <summary>The most bytes in one message; checked before parsing starts.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>The longest key, prefix included, and the longest pattern.</summary>
    public int MaxKeyLength { get; init; } = 1024;

    /// <summary>The most keys in one batch message.</summary>
    public int MaxBatchSize { get; init; } = 1000;

    /// <summary>The longest <c>source</c>, <c>message_id</c> and <c>entity_type</c>.</summary>
    public int MaxFieldLength { get; init; } = 256;
}
