namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// The outcome of parsing one bridge message: exactly one of <see cref="Invalidation"/> and
/// <see cref="Rejection"/> is non-null. Build it through <see cref="Accept"/> and <see cref="Reject(BridgeRejectionReason, string)"/>, which keep that true.
/// </summary>
internal sealed record BridgeParseResult(BridgeInvalidation? Invalidation, BridgeRejection? Rejection)
{
    /// <summary>A message that was accepted.</summary>
    public static BridgeParseResult Accept(BridgeInvalidation invalidation)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        return new BridgeParseResult(invalidation, null);
    }

    /// <summary>A message that was refused.</summary>
    public static BridgeParseResult Reject(BridgeRejectionReason reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        return new BridgeParseResult(null, new BridgeRejection(reason, detail));
    }

    /// <summary>A message that was refused, from a rejection already built by a shared check.</summary>
    internal static BridgeParseResult Reject(BridgeRejection rejection) => new(null, rejection);
}
