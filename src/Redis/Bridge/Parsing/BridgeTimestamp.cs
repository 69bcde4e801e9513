using System.Globalization;
using System.Text.Json;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Reads the <c>timestamp</c> field: an ISO-8601 string, or a number of Unix epoch seconds (fractions allowed),
/// read as epoch milliseconds when it is above 10^11 (a seconds value that large would be the year 5138, so the two
/// ranges cannot be confused for any real clock).
/// </summary>
internal static class BridgeTimestamp
{
    private const decimal MillisecondsThreshold = 100_000_000_000m;

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>Reads the field; a value that is no time at all, or outside what DateTimeOffset holds, is WrongType.</summary>
    public static BridgeRejection? Read(string field, BridgeFieldValue value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        switch (value.TokenType)
        {
            case JsonTokenType.String:
                return ReadText(field, value.Text ?? string.Empty, out timestamp);
            case JsonTokenType.Number:
                return ReadEpoch(field, value.Text ?? string.Empty, out timestamp);
            default:
                return BridgeValueRules.WrongType(field, value.TokenType, "an ISO-8601 string or a Unix epoch number");
        }
    }

    private static BridgeRejection? ReadText(string field, string text, out DateTimeOffset timestamp)
    {
        if (text.Length == 0)
        {
            timestamp = default;
            return new BridgeRejection(BridgeRejectionReason.EmptyValue, $"field '{field}' is empty");
        }

        // AssumeUniversal: a time without an offset means UTC, never whatever zone this silo happens to run in.
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp))
        {
            return new BridgeRejection(
                BridgeRejectionReason.WrongType,
                $"field '{field}' value '{BridgeText.Echo(text)}' is not an ISO-8601 time");
        }

        return null;
    }

    private static BridgeRejection? ReadEpoch(string field, string text, out DateTimeOffset timestamp)
    {
        timestamp = default;

        // decimal keeps fractional seconds exact where double would round them.
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return OutOfRange(field, text);
        }

        var ticksPerUnit = number > MillisecondsThreshold ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerSecond;

        // Bound before multiplying so the tick count cannot overflow: DateTimeOffset spans years 1..9999.
        var minUnits = (decimal)(DateTimeOffset.MinValue.UtcTicks - EpochTicks) / ticksPerUnit;
        var maxUnits = (decimal)(DateTimeOffset.MaxValue.UtcTicks - EpochTicks) / ticksPerUnit;
        if (number < minUnits || number > maxUnits)
        {
            return OutOfRange(field, text);
        }

        var ticks = (long)decimal.Truncate(number * ticksPerUnit);
        timestamp = new DateTimeOffset(EpochTicks + ticks, TimeSpan.Zero);
        return null;
    }

    private static BridgeRejection OutOfRange(string field, string text) =>
        new(BridgeRejectionReason.WrongType, $"field '{field}' number {BridgeText.Echo(text)} is not a representable Unix time");
}
