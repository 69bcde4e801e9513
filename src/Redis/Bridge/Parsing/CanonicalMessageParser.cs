namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Parses the canonical bridge message, a JSON object such as
/// <c>{"action":"delete","entity_type":"User","entity_id":"123"}</c>, into an invalidation or a rejection.
/// </summary>
/// <remarks>
/// <para>Actions: <c>delete</c>, <c>update</c> and <c>invalidate</c> (one key, <c>entity_type</c> lower-cased +
/// ":" + <c>entity_id</c>), <c>batch</c> (<c>entity_ids</c>, full keys), <c>pattern</c> (<c>pattern</c>, a glob)
/// and <c>all</c>. Every action may carry <c>source</c>, <c>message_id</c> and <c>timestamp</c>.</para>
/// <para>The validator is strict on purpose: a field the action does not use is refused rather than ignored, so a
/// publisher's mistake (say, an <c>entity_id</c> on an <c>all</c>) is seen instead of flushing the cache.</para>
/// <para>Checks run in a fixed order, so a message with several faults always gets the same reason: size, JSON
/// syntax and depth, top-level object, field names (unknown or repeated), action, fields the action does not allow,
/// fields it requires, the action's values, then the metadata.</para>
/// </remarks>
internal static class CanonicalMessageParser
{
    private const int Action = 0;
    private const int EntityType = 1;
    private const int EntityId = 2;
    private const int EntityIds = 3;
    private const int PatternField = 4;
    private const int Source = 5;
    private const int MessageId = 6;
    private const int Timestamp = 7;

    private static readonly BridgeFieldSchema Schema = new(
        "action",
        "entity_type",
        "entity_id",
        "entity_ids",
        "pattern",
        BridgeMetadata.SourceField,
        BridgeMetadata.MessageIdField,
        BridgeMetadata.TimestampField);

    // The fields that belong to some action; the metadata fields belong to all of them.
    private static readonly int[] ActionFields = [EntityType, EntityId, EntityIds, PatternField];

    private static readonly int[] SingleEntityFields = [EntityType, EntityId];
    private static readonly int[] BatchFields = [EntityIds];
    private static readonly int[] PatternFields = [PatternField];
    private static readonly int[] NoFields = [];

    /// <summary>
    /// Parses one message. Never throws for any input bytes: every message gives exactly one of an invalidation
    /// and a rejection.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is null (a configuration error, not a message one).</exception>
    public static BridgeParseResult Parse(ReadOnlySpan<byte> utf8Json, BridgeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        try
        {
            return ParseCore(utf8Json, limits);
        }
        catch (Exception ex)
        {
            // Not expected to happen (the fuzz test looks for this wording); a message must never take the
            // subscriber down, so a parser bug still ends as a rejection.
            return BridgeParseResult.Reject(BridgeRejectionReason.InvalidJson, $"internal parser error ({ex.GetType().Name})");
        }
    }

    private static BridgeParseResult ParseCore(ReadOnlySpan<byte> utf8Json, BridgeLimits limits)
    {
        var rejection = BridgeJsonReader.ReadFields(utf8Json, Schema, limits, out var values);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        if (values[Action] is not { } actionValue)
        {
            return BridgeParseResult.Reject(BridgeRejectionReason.MissingField, "field 'action' is required");
        }

        rejection = BridgeValueRules.ReadString("action", actionValue, out var action);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        int[] required;
        switch (action)
        {
            case "delete" or "update" or "invalidate":
                required = SingleEntityFields;
                break;
            case "batch":
                required = BatchFields;
                break;
            case "pattern":
                required = PatternFields;
                break;
            case "all":
                required = NoFields;
                break;
            default:
                return BridgeParseResult.Reject(
                    BridgeRejectionReason.UnknownAction,
                    $"action '{BridgeText.Echo(action)}' is not one of delete, update, invalidate, batch, pattern, all");
        }

        rejection = Schema.CheckKindFields(values, ActionFields, required, "action", action);
        if (rejection is not null)
        {
            return BridgeParseResult.Reject(rejection);
        }

        BridgeInvalidationKind kind;
        string[] keys = [];
        string? pattern = null;
        switch (action)
        {
            case "batch":
                kind = BridgeInvalidationKind.Keys;
                rejection = BridgeValueRules.ReadKeyList("entity_ids", values[EntityIds]!, string.Empty, limits, out keys);
                break;
            case "pattern":
                kind = BridgeInvalidationKind.Pattern;
                rejection = ReadPattern(values[PatternField]!, limits, out pattern);
                break;
            case "all":
                kind = BridgeInvalidationKind.All;
                break;
            default:
                kind = BridgeInvalidationKind.Key;
                rejection = ReadEntityKey(values[EntityType]!, values[EntityId]!, limits, out var key);
                keys = [key];
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

    private static BridgeRejection? ReadEntityKey(
        BridgeFieldValue entityTypeValue,
        BridgeFieldValue entityIdValue,
        BridgeLimits limits,
        out string key)
    {
        key = string.Empty;
        var rejection = BridgeValueRules.ReadString("entity_type", entityTypeValue, out var entityType)
            ?? BridgeValueRules.CheckEntityType("entity_type", entityType, limits);
        if (rejection is not null)
        {
            return rejection;
        }

        rejection = BridgeValueRules.ReadIdentifier("entity_id", entityIdValue, out var entityId);
        if (rejection is not null)
        {
            return rejection;
        }

        // entity_type is ASCII (checked above), so the invariant lower-casing is plain ASCII folding.
        var candidate = entityType.ToLowerInvariant() + ":" + entityId;
        rejection = BridgeValueRules.CheckKey("field 'entity_id'", candidate, limits);
        if (rejection is null)
        {
            key = candidate;
        }

        return rejection;
    }

    private static BridgeRejection? ReadPattern(BridgeFieldValue value, BridgeLimits limits, out string? pattern)
    {
        pattern = null;
        var rejection = BridgeValueRules.ReadString("pattern", value, out var text)
            ?? BridgeValueRules.CheckPattern("field 'pattern'", text, limits);
        if (rejection is null)
        {
            pattern = text;
        }

        return rejection;
    }
}
