namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Parses typed per-channel events. Each channel is mapped by configuration to a key prefix (such as
/// <c>personality:</c>, colon included), and its messages name items under that prefix:
/// <c>{"type":"item","itemId":"42"}</c>, <c>{"type":"items","itemIds":["1","2"]}</c> or <c>{"type":"all"}</c>.
/// </summary>
/// <remarks>
/// <para><c>all</c> means everything under the channel's prefix (the pattern prefix + "*"), never the whole cache:
/// a channel can only ever reach its own keys. Every type may carry <c>source</c>, <c>message_id</c> and
/// <c>timestamp</c>, read as in <see cref="CanonicalMessageParser"/>.</para>
/// <para>Checks run in the same fixed order as the canonical format's.</para>
/// </remarks>
internal static class TypedEventParser
{
    private const int Type = 0;
    private const int ItemId = 1;
    private const int ItemIds = 2;
    private const int Source = 3;
    private const int MessageId = 4;
    private const int Timestamp = 5;

    private static readonly BridgeFieldSchema Schema = new(
        "type",
        "itemId",
        "itemIds",
        BridgeMetadata.SourceField,
        BridgeMetadata.MessageIdField,
        BridgeMetadata.TimestampField);

    private static readonly int[] TypeFields = [ItemId, ItemIds];
    private static readonly int[] ItemFields = [ItemId];
    private static readonly int[] ItemsFields = [ItemIds];
    private static readonly int[] NoFields = [];

    /// <summary>
    /// Parses one message published on a channel whose keys live under <paramref name="keyPrefix"/>. Never throws
    /// for any input bytes: every message gives exactly one of an invalidation and a rejection.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="keyPrefix"/> or <paramref name="limits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="keyPrefix"/> is not a usable prefix (see <see cref="ValidateKeyPrefix"/>).</exception>
    public static BridgeParseResult Parse(ReadOnlySpan<byte> utf8Json, string keyPrefix, BridgeLimits limits)
    {
        ValidateKeyPrefix(keyPrefix, limits);
        try
        {
            return ParseCore(utf8Json, keyPrefix, limits);
        }
        catch (Exception ex)
        {
            // Not expected to happen (the fuzz test looks for this wording); a message must never take the
            // subscriber down, so a parser bug still ends as a rejection.
            return BridgeParseResult.Reject(BridgeRejectionReason.InvalidJson, $"internal parser error ({ex.GetType().Name})");
        }
    }

    /// <summary>
    /// Checks a configured key prefix, so configuration can be refused at startup rather than on the first message.
    /// A prefix must be non-empty (an empty one would make <c>all</c> flush the whole cache), leave room for at least
    /// one more character within the key limit, and have no control characters or glob characters
    /// (<c>* ? [ \</c>), which would make its <c>all</c> pattern reach other channels' keys.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="keyPrefix"/> or <paramref name="limits"/> is null.</exception>
    /// <exception cref="ArgumentException">The prefix breaks one of the rules above.</exception>
    public static void ValidateKeyPrefix(string keyPrefix, BridgeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ArgumentNullException.ThrowIfNull(limits);
        if (keyPrefix.Length == 0)
        {
            throw new ArgumentException("A bridge channel's key prefix must not be empty.", nameof(keyPrefix));
        }

        if (keyPrefix.Length >= limits.MaxKeyLength)
        {
            throw new ArgumentException(
                $"A bridge channel's key prefix must be shorter than the key limit of {limits.MaxKeyLength}; it has {keyPrefix.Length} characters.",
                nameof(keyPrefix));
        }

        if (keyPrefix.AsSpan().ContainsAnyInRange('\0', '\u001f') || keyPrefix.AsSpan().IndexOfAny("*?[\\") >= 0)
        {
            throw new ArgumentException(
                "A bridge channel's key prefix must not contain control characters or any of * ? [ \\.",
                nameof(keyPrefix));
        }
    }

    private static BridgeParseResult ParseCore(ReadOnlySpan<byte> utf8Json, string keyPrefix, BridgeLimits limits)
    {
        var rejection = BridgeJsonReader.ReadFields(utf8Json, Schema, limits, out var values);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        if (values[Type] is not { } typeValue)
        {
            return BridgeParseResult.Reject(BridgeRejectionReason.MissingField, "field 'type' is required");
        }

        rejection = BridgeValueRules.ReadString("type", typeValue, out var type);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        int[] required;
        switch (type)
        {
            case "item":
                required = ItemFields;
                break;
            case "items":
                required = ItemsFields;
                break;
            case "all":
                required = NoFields;
                break;
            default:
                return BridgeParseResult.Reject(
                    BridgeRejectionReason.UnknownAction,
                    $"type '{BridgeText.Echo(type)}' is not one of item, items, all");
        }

        rejection = Schema.CheckKindFields(values, TypeFields, required, "type", type);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        BridgeInvalidationKind kind;
        string[] keys = [];
        string? pattern = null;
        switch (type)
        {
            case "item":
                kind = BridgeInvalidationKind.Key;
                rejection = ReadItemKey(values[ItemId]!, keyPrefix, limits, out var key);
                keys = [key];
                break;
            case "items":
                kind = BridgeInvalidationKind.Keys;
                rejection = BridgeValueRules.ReadKeyList("itemIds", values[ItemIds]!, keyPrefix, limits, out keys);
                break;
            default:
                kind = BridgeInvalidationKind.Pattern;
                pattern = keyPrefix + "*";
                rejection = BridgeValueRules.CheckPattern("the channel's key prefix", pattern, limits);
                break;
        }

        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        rejection = BridgeMetadata.Read(values[Source], values[MessageId], values[Timestamp], limits, out var metadata);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        return BridgeParseResult.Accept(
            new BridgeInvalidation(kind, keys, pattern, metadata.Source, metadata.MessageId, metadata.Timestamp));
    }

    private static BridgeRejection? ReadItemKey(BridgeFieldValue value, string keyPrefix, BridgeLimits limits, out string key)
    {
        key = string.Empty;
        var rejection = BridgeValueRules.ReadIdentifier("itemId", value, out var itemId);
        if (rejection is not null)
        {
            return rejection;
        }

        var candidate = keyPrefix + itemId;
        rejection = BridgeValueRules.CheckKey("field 'itemId'", candidate, limits);
        if (rejection is null)
        {
            key = candidate;
        }

        return rejection;
    }
}
