using System.Text.Json;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// The optional fields every bridge message may carry (<c>source</c>, <c>message_id</c>, <c>timestamp</c>),
/// validated. They only feed logs, metrics and de-duplication, so they are bounded and free of control characters.
/// </summary>
internal sealed record BridgeMetadata(string? Source, string? MessageId, DateTimeOffset? Timestamp)
{
    /// <summary>The field name of the publisher's name.</summary>
    public const string SourceField = "source";

    /// <summary>The field name of the publisher's message id.</summary>
    public const string MessageIdField = "message_id";

    /// <summary>The field name of the publish time.</summary>
    public const string TimestampField = "timestamp";

    /// <summary>Validates whichever of the three fields are present (null when absent).</summary>
    public static BridgeRejection? Read(
        BridgeFieldValue? source,
        BridgeFieldValue? messageId,
        BridgeFieldValue? timestamp,
        BridgeLimits limits,
        out BridgeMetadata metadata)
    {
        metadata = new BridgeMetadata(null, null, null);
        string? sourceText = null;
        string? messageIdText = null;
        DateTimeOffset? time = null;

        if (source is not null)
        {
            // An empty source is allowed (it says nothing, but is not malformed); message_id must identify something.
            var rejection = ReadText(SourceField, source, allowEmpty: true, limits, out sourceText);
            if (rejection is not null)
            {
                return rejection;
            }
        }

        if (messageId is not null)
        {
            var rejection = ReadText(MessageIdField, messageId, allowEmpty: false, limits, out messageIdText);
            if (rejection is not null)
            {
                return rejection;
            }
        }

        if (timestamp is not null)
        {
            var rejection = BridgeTimestamp.Read(TimestampField, timestamp, out var parsed);
            if (rejection is not null)
            {
                return rejection;
            }

            time = parsed;
        }

        metadata = new BridgeMetadata(sourceText, messageIdText, time);
        return null;
    }

    private static BridgeRejection? ReadText(
        string field,
        BridgeFieldValue value,
        bool allowEmpty,
        BridgeLimits limits,
        out string? text)
    {
        text = null;
        if (value.TokenType != JsonTokenType.String || value.Text is null)
        {
            return BridgeValueRules.WrongType(field, value.TokenType, "a string");
        }

        var candidate = value.Text;
        if (candidate.Length == 0 && !allowEmpty)
        {
            return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"field '{field}' is empty");
        }

        if (candidate.Length > limits.MaxFieldLength)
        {
            return BridgeValueRules.TooLong(field, candidate.Length, limits.MaxFieldLength);
        }

        // These values are logged and used as metric tags; control characters there forge lines and break exporters.
        if (candidate.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return new BridgeRejection(BridgeRejectionReason.InvalidCharacters, $"field '{field}' has control characters");
        }

        text = candidate;
        return null;
    }
}
