using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Fuzz.Tests.Bridge;

/// <summary>What every bridge parse result must satisfy, whatever the input: the checks the fuzz tests apply.</summary>
internal static class BridgeInvariants
{
    /// <summary>A description of the first broken invariant, or null.</summary>
    public static string? FindViolation(BridgeParseResult result, BridgeLimits limits, string? keyPrefix)
    {
        if ((result.Invalidation is null) == (result.Rejection is null))
        {
            return "exactly one of Invalidation and Rejection must be set";
        }

        if (result.Rejection is { } rejection)
        {
            if (!Enum.IsDefined(rejection.Reason))
            {
                return $"undefined reason {(int)rejection.Reason}";
            }

            if (string.IsNullOrEmpty(rejection.Detail)
                || rejection.Detail.Length > 200
                || rejection.Detail.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                return $"bad detail '{rejection.Detail}'";
            }

            return rejection.Detail.StartsWith("internal parser error", StringComparison.Ordinal)
                ? $"parser bug caught: {rejection.Detail}"
                : null;
        }

        var invalidation = result.Invalidation!;
        foreach (var key in invalidation.Keys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > limits.MaxKeyLength || key.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                return $"bad key '{key}'";
            }

            if (keyPrefix is not null && !key.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                return $"key '{key}' is outside the prefix '{keyPrefix}'";
            }
        }

        if (invalidation.Keys.Distinct(StringComparer.Ordinal).Count() != invalidation.Keys.Count)
        {
            return "keys are not de-duplicated";
        }

        if (invalidation.Source is { } source && (source.Length > limits.MaxFieldLength || source.AsSpan().ContainsAnyInRange('\0', '\u001f')))
        {
            return $"bad source '{source}'";
        }

        if (invalidation.MessageId is { } messageId
            && (messageId.Length == 0 || messageId.Length > limits.MaxFieldLength || messageId.AsSpan().ContainsAnyInRange('\0', '\u001f')))
        {
            return $"bad message id '{messageId}'";
        }

        return invalidation.Kind switch
        {
            BridgeInvalidationKind.Key when invalidation.Keys.Count != 1 || invalidation.Pattern is not null => "Key needs one key and no pattern",
            BridgeInvalidationKind.Keys when invalidation.Keys.Count < 1 || invalidation.Keys.Count > limits.MaxBatchSize || invalidation.Pattern is not null
                => "Keys needs 1..MaxBatchSize keys and no pattern",
            BridgeInvalidationKind.Pattern when invalidation.Keys.Count != 0 || !IsValidPattern(invalidation.Pattern, limits) => "Pattern needs a valid pattern and no keys",
            BridgeInvalidationKind.Pattern when keyPrefix is not null && invalidation.Pattern != keyPrefix + "*" => "a typed pattern must be the prefix plus '*'",
            BridgeInvalidationKind.All when keyPrefix is not null => "a typed event must never invalidate the whole cache",
            BridgeInvalidationKind.All when invalidation.Keys.Count != 0 || invalidation.Pattern is not null => "All needs no keys and no pattern",
            BridgeInvalidationKind.Key or BridgeInvalidationKind.Keys or BridgeInvalidationKind.Pattern or BridgeInvalidationKind.All => null,
            _ => $"undefined kind {(int)invalidation.Kind}",
        };
    }

    private static bool IsValidPattern(string? pattern, BridgeLimits limits) =>
        !string.IsNullOrWhiteSpace(pattern)
        && pattern.Length <= limits.MaxKeyLength
        && !pattern.AsSpan().ContainsAnyInRange('\0', '\u001f')
        && pattern.AsSpan().IndexOfAny('[', '\\') < 0;
}
