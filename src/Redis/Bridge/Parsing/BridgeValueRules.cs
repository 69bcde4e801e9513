using System.Globalization;
using System.Text.Json;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// The value rules both bridge formats share. Each check returns the rejection, or null when the value is good;
/// the wording names the field (a trusted name) and echoes untrusted text only through <see cref="BridgeText.Echo"/>.
/// </summary>
/// <remarks>
/// Keys follow the cache's own rules (non-empty and not blank, at most the key limit, no U+0000..U+001F) so that an
/// invalidation accepted here is never refused later by the cache itself.
/// </remarks>
internal static class BridgeValueRules
{
    /// <summary>Reads a field that must be a JSON string.</summary>
    public static BridgeRejection? ReadString(string field, BridgeFieldValue value, out string text)
    {
        if (value.TokenType != JsonTokenType.String || value.Text is null)
        {
            text = string.Empty;
            return WrongType(field, value.TokenType, "a string");
        }

        text = value.Text;
        return null;
    }

    /// <summary>
    /// Reads an identifier that may be a JSON string or a JSON integer; an integer becomes its decimal text
    /// (so <c>123</c> and <c>"123"</c> name the same key). Integers must fit in 64 bits, and numbers with a
    /// fraction or exponent are refused because their text form is not unique.
    /// </summary>
    public static BridgeRejection? ReadIdentifier(string field, BridgeFieldValue value, out string text)
    {
        text = string.Empty;
        if (value.TokenType == JsonTokenType.String)
        {
            text = value.Text ?? string.Empty;
        }
        else if (value.TokenType == JsonTokenType.Number)
        {
            if (!IsIntegerLiteral(value.Text)
                || !long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return new BridgeRejection(
                    BridgeRejectionReason.WrongType,
                    $"field '{field}' is the number {BridgeText.Echo(value.Text)}; expected a string or a 64-bit integer");
            }

            text = number.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            return WrongType(field, value.TokenType, "a string or an integer");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"field '{field}' is empty");
        }

        return null;
    }

    /// <summary>Checks an entity type: 1..MaxFieldLength characters of ASCII letters, digits, '_', '-' and '.'.</summary>
    public static BridgeRejection? CheckEntityType(string field, string entityType, BridgeLimits limits)
    {
        if (entityType.Length == 0)
        {
            return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"field '{field}' is empty");
        }

        if (entityType.Length > limits.MaxFieldLength)
        {
            return TooLong(field, entityType.Length, limits.MaxFieldLength);
        }

        foreach (var c in entityType)
        {
            // ASCII only: the type becomes part of every key, and lower-casing non-ASCII letters is not stable
            // across the languages that publish these messages.
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return new BridgeRejection(
                    BridgeRejectionReason.InvalidCharacters,
                    $"field '{field}' value '{BridgeText.Echo(entityType)}' may use only letters, digits, '_', '-' and '.'");
            }
        }

        return null;
    }

    /// <summary>Checks a final key (prefix included) against the cache's key rules; <paramref name="what"/> names it in the detail.</summary>
    public static BridgeRejection? CheckKey(string what, string key, BridgeLimits limits)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"{what} is empty");
        }

        if (key.Length > limits.MaxKeyLength)
        {
            return new BridgeRejection(
                BridgeRejectionReason.ValueTooLong,
                $"{what} gives a key of {key.Length} characters; at most {limits.MaxKeyLength}");
        }

        if (key.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return new BridgeRejection(BridgeRejectionReason.InvalidCharacters, $"{what} has control characters");
        }

        return null;
    }

    /// <summary>Checks a glob: the key rules, plus no '[' or '\' since only '*' and '?' are supported.</summary>
    public static BridgeRejection? CheckPattern(string what, string pattern, BridgeLimits limits)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"{what} is empty");
        }

        if (pattern.Length > limits.MaxKeyLength)
        {
            return new BridgeRejection(
                BridgeRejectionReason.ValueTooLong,
                $"{what} has {pattern.Length} characters; at most {limits.MaxKeyLength}");
        }

        if (pattern.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return new BridgeRejection(BridgeRejectionReason.InvalidCharacters, $"{what} has control characters");
        }

        if (pattern.AsSpan().IndexOfAny('[', '\\') >= 0)
        {
            return new BridgeRejection(
                BridgeRejectionReason.InvalidCharacters,
                $"{what} '{BridgeText.Echo(pattern)}' uses '[' or '\\'; only '*' and '?' are supported");
        }

        return null;
    }

    /// <summary>
    /// Reads an array of identifiers into keys (each <paramref name="keyPrefix"/> + item), 1..MaxBatchSize items,
    /// de-duplicated in first-seen order.
    /// </summary>
    public static BridgeRejection? ReadKeyList(
        string field,
        BridgeFieldValue value,
        string keyPrefix,
        BridgeLimits limits,
        out string[] keys)
    {
        keys = [];
        if (value.TokenType != JsonTokenType.StartArray)
        {
            return WrongType(field, value.TokenType, "an array of strings");
        }

        if (value.ItemCount == 0)
        {
            return new BridgeRejection(BridgeRejectionReason.TooManyItems, $"field '{field}' has no items; at least 1");
        }

        if (value.ItemCount > limits.MaxBatchSize)
        {
            return new BridgeRejection(
                BridgeRejectionReason.TooManyItems,
                $"field '{field}' has {value.ItemCount} items; at most {limits.MaxBatchSize}");
        }

        if (value.FirstNonStringItem >= 0)
        {
            return new BridgeRejection(
                BridgeRejectionReason.WrongType,
                $"field '{field}' item {value.FirstNonStringItem} is {BridgeText.Describe(value.FirstNonStringItemType)}; expected a string");
        }

        var seen = new HashSet<string>(value.Items.Count, StringComparer.Ordinal);
        var unique = new List<string>(value.Items.Count);
        for (var i = 0; i < value.Items.Count; i++)
        {
            // The item itself must have content: with a prefix, an empty item would still make a non-empty key
            // (the bare prefix), which names no entity.
            var what = $"field '{field}' item {i}";
            if (string.IsNullOrWhiteSpace(value.Items[i]))
            {
                return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"{what} is empty");
            }

            var key = keyPrefix + value.Items[i];
            var rejection = CheckKey(what, key, limits);
            if (rejection is not null)
            {
                return rejection;
            }

            if (seen.Add(key))
            {
                unique.Add(key);
            }
        }

        keys = [.. unique];
        return null;
    }

    /// <summary>The standard WrongType rejection.</summary>
    public static BridgeRejection WrongType(string field, JsonTokenType actual, string expected) =>
        new(BridgeRejectionReason.WrongType, $"field '{field}' is {BridgeText.Describe(actual)}; expected {expected}");

    /// <summary>The standard ValueTooLong rejection for a field with a character limit.</summary>
    public static BridgeRejection TooLong(string field, int length, int limit) =>
        new(BridgeRejectionReason.ValueTooLong, $"field '{field}' has {length} characters; at most {limit}");

    // JSON integers only: '-'? digits. Rejects fractions and exponents, which long.TryParse would reject too,
    // but saying so here keeps the rule visible.
    private static bool IsIntegerLiteral(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var digits = text[0] == '-' ? text.AsSpan(1) : text.AsSpan();
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
