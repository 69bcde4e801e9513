using System.Text.Json;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// One top-level field's value as captured from the message, before the parser knows which action it belongs to.
/// Type errors are recorded rather than reported here so that "field not allowed for this action" and
/// "field missing" are decided first, whatever order the publisher wrote the fields in.
/// </summary>
internal sealed class BridgeFieldValue
{
    /// <summary>
    /// The JSON token that starts the value: <see cref="JsonTokenType.String"/>, <see cref="JsonTokenType.Number"/>,
    /// <see cref="JsonTokenType.True"/>, <see cref="JsonTokenType.False"/>, <see cref="JsonTokenType.Null"/>,
    /// <see cref="JsonTokenType.StartObject"/> or <see cref="JsonTokenType.StartArray"/>.
    /// </summary>
    public required JsonTokenType TokenType { get; init; }

    /// <summary>The unescaped string for a string; the literal number text for a number; otherwise null.</summary>
    public string? Text { get; init; }

    /// <summary>For an array, its string items in order, at most <see cref="BridgeLimits.MaxBatchSize"/> of them.</summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>For an array, how many items it has in all (strings or not).</summary>
    public int ItemCount { get; init; }

    /// <summary>For an array, the zero-based position of its first item that is not a string, or -1.</summary>
    public int FirstNonStringItem { get; init; } = -1;

    /// <summary>For an array, the token type of the item at <see cref="FirstNonStringItem"/>.</summary>
    public JsonTokenType FirstNonStringItemType { get; init; }
}
