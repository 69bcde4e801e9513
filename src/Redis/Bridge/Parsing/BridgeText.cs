using System.Text.Json;
using OrleansCache.Redis.Diagnostics;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Wording helpers for rejection details. Details end up in logs, so untrusted text is cut to
/// <see cref="MaxEchoLength"/> characters and its control characters are masked (no forged log lines).
/// </summary>
internal static class BridgeText
{
    /// <summary>The most characters of untrusted input a detail may repeat.</summary>
    public const int MaxEchoLength = 64;

    /// <summary>
    /// <paramref name="untrusted"/> cut to at most <see cref="MaxEchoLength"/> characters (marked with "..." when cut),
    /// with control characters replaced by '?'.
    /// </summary>
    public static string Echo(string? untrusted) => UntrustedText.Bound(untrusted, MaxEchoLength, sayLength: false);

    /// <summary>How a detail names a JSON type, e.g. "a number".</summary>
    public static string Describe(JsonTokenType tokenType) => tokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => "an unexpected token",
    };
}
