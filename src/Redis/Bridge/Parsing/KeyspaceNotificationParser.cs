using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Reads the key out of a keyspace notification's channel, <c>__keyspace@&lt;db&gt;__:&lt;key&gt;</c>. The event
/// name (del, set, expired, ...) does not matter: the key changed, so its cache entry is invalidated.
/// </summary>
internal static class KeyspaceNotificationParser
{
    private const string Start = "__keyspace@";
    private const string Separator = "__:";

    /// <summary>
    /// Parses one channel name of a notification for a key under <paramref name="keyPrefix"/>. Never throws: every
    /// channel gives exactly one of an invalidation and a rejection.
    /// </summary>
    /// <remarks>
    /// The subscription pattern <c>__keyspace@*__:prefix*</c> also matches channels whose first <c>*</c> swallows part
    /// of the key (<c>__keyspace@0__:x__:prefix1</c> is key <c>x__:prefix1</c>), so the database must be a number and
    /// the key must start with the prefix.
    /// </remarks>
    public static BridgeParseResult Parse(string channel, string keyPrefix, BridgeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentNullException.ThrowIfNull(limits);
        var separator = channel.IndexOf(Separator, StringComparison.Ordinal);
        if (!channel.StartsWith(Start, StringComparison.Ordinal)
            || separator <= Start.Length
            || !channel.AsSpan(Start.Length, separator - Start.Length).ContainsOnlyDigits()
            || !channel.AsSpan(separator + Separator.Length).StartsWith(keyPrefix, StringComparison.Ordinal))
        {
            return BridgeParseResult.Reject(BridgeRejectionReason.InvalidCharacters, "not a keyspace notification for a key under a configured prefix");
        }

        var key = channel[(separator + Separator.Length)..];
        try
        {
            CacheInputRules.ValidateKey(key, limits.MaxKeyLength);
        }
        catch (ArgumentException ex)
        {
            return BridgeParseResult.Reject(key.Length > limits.MaxKeyLength ? BridgeRejectionReason.ValueTooLong : BridgeRejectionReason.InvalidCharacters, ex.Message);
        }

        return BridgeParseResult.Accept(new BridgeInvalidation(BridgeInvalidationKind.Key, [key], null, null, null, null));
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');
}
