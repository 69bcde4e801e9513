using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// The structural half of both bridge formats: size, UTF-8, JSON syntax, depth, top-level object, and the
/// capture of top-level fields by name (unknown and duplicate names refused). What the fields mean is left to
/// the format's parser.
/// </summary>
/// <remarks>
/// Everything here uses <see cref="Utf8JsonReader"/>, which is iterative: nesting costs no stack, so a message of
/// ten thousand <c>[</c> cannot overflow it.
/// </remarks>
internal static class BridgeJsonReader
{
    /// <summary>The deepest nesting of objects and arrays allowed, counting the top-level object as 1.</summary>
    public const int MaxDepth = 8;

    // The reader's own limit sits well above ours so that our check, which can say TooDeep, always fires first;
    // the reader's would only say "invalid JSON".
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = 64,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Checks the message's structure and captures its top-level fields. Returns the rejection, or null with
    /// <paramref name="values"/> holding each known field's value by schema index (null when absent).
    /// </summary>
    public static BridgeRejection? ReadFields(
        ReadOnlySpan<byte> utf8Json,
        BridgeFieldSchema schema,
        BridgeLimits limits,
        out BridgeFieldValue?[] values)
    {
        values = [];

        // First, before a single byte is looked at: a 10 MB message costs nothing more than this comparison.
        if (utf8Json.Length > limits.MaxMessageBytes)
        {
            return TooLarge(utf8Json.Length, limits);
        }

        var structural = CheckStructure(utf8Json);
        if (structural is not null)
        {
            return structural;
        }

        values = new BridgeFieldValue?[schema.Count];
        return CaptureFields(utf8Json, schema, limits, values);
    }

    /// <summary>The rejection of a message of <paramref name="length"/> bytes, over the limit.</summary>
    public static BridgeRejection TooLarge(long length, BridgeLimits limits) =>
        new(BridgeRejectionReason.TooLarge, $"message has {length} bytes; at most {limits.MaxMessageBytes}");

    /// <summary>
    /// A full pass over the message so that syntax errors anywhere are InvalidJson, whatever the fields before them
    /// said; TooDeep and InvalidJson are reported in the order the reader meets them.
    /// </summary>
    private static BridgeRejection? CheckStructure(ReadOnlySpan<byte> utf8Json)
    {
        // The reader does not promise to validate UTF-8 inside strings; checking up front means GetString can never
        // fail later, and a publisher sending Latin-1 is told so plainly.
        if (!Utf8.IsValid(utf8Json))
        {
            return new BridgeRejection(BridgeRejectionReason.InvalidJson, "message is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        var firstToken = JsonTokenType.None;
        try
        {
            while (reader.Read())
            {
                if (firstToken == JsonTokenType.None)
                {
                    firstToken = reader.TokenType;
                }

                // Escapes are checked here, not only when a value is read: "\ud800" is valid JSON syntax but no
                // valid text, and GetString would throw on it later.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                    && reader.ValueIsEscaped
                    && !HasValidEscapes(ref reader))
                {
                    return new BridgeRejection(
                        BridgeRejectionReason.InvalidJson,
                        "message has a string escape that is not valid Unicode (a lone surrogate)");
                }

                // CurrentDepth of a start token counts the containers already open around it.
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                    && reader.CurrentDepth >= MaxDepth)
                {
                    return new BridgeRejection(
                        BridgeRejectionReason.TooDeep,
                        $"message nests objects and arrays more than {MaxDepth} levels deep");
                }
            }
        }
        catch (JsonException ex)
        {
            return new BridgeRejection(BridgeRejectionReason.InvalidJson, DescribeSyntaxError(ex));
        }

        if (firstToken != JsonTokenType.StartObject)
        {
            return new BridgeRejection(
                BridgeRejectionReason.NotAnObject,
                $"message is {BridgeText.Describe(firstToken)}; expected a JSON object");
        }

        return null;
    }

    private static bool HasValidEscapes(ref Utf8JsonReader reader)
    {
        try
        {
            // Allocates at most the string's own length, which the message size already bounds.
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static BridgeRejection? CaptureFields(
        ReadOnlySpan<byte> utf8Json,
        BridgeFieldSchema schema,
        BridgeLimits limits,
        BridgeFieldValue?[] values)
    {
        // The structure pass proved the message is one well-formed object, so this reader cannot throw.
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = schema.IndexOf(ref reader);
            if (index < 0)
            {
                return new BridgeRejection(
                    BridgeRejectionReason.UnknownField,
                    $"field '{BridgeText.Echo(reader.GetString())}' is not a field of this message format");
            }

            if (values[index] is not null)
            {
                return new BridgeRejection(
                    BridgeRejectionReason.DuplicateField,
                    $"field '{schema.NameAt(index)}' appears more than once");
            }

            reader.Read();
            values[index] = CaptureValue(ref reader, limits);
        }

        return null;
    }

    private static BridgeFieldValue CaptureValue(ref Utf8JsonReader reader, BridgeLimits limits)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new BridgeFieldValue { TokenType = JsonTokenType.String, Text = reader.GetString() };
            case JsonTokenType.Number:
                // Numbers have no escapes, so the raw bytes are the literal; it is parsed once the field's meaning is known.
                return new BridgeFieldValue { TokenType = JsonTokenType.Number, Text = Encoding.UTF8.GetString(reader.ValueSpan) };
            case JsonTokenType.StartArray:
                return CaptureArray(ref reader, limits);
            case JsonTokenType.StartObject:
                reader.Skip();
                return new BridgeFieldValue { TokenType = JsonTokenType.StartObject };
            default:
                return new BridgeFieldValue { TokenType = reader.TokenType };
        }
    }

    private static BridgeFieldValue CaptureArray(ref Utf8JsonReader reader, BridgeLimits limits)
    {
        // Only up to MaxBatchSize strings are kept: a longer array is refused anyway, and it is only counted.
        var keep = Math.Max(0, limits.MaxBatchSize);
        var items = new List<string>(Math.Min(keep, 16));
        var count = 0;
        var firstNonString = -1;
        var firstNonStringType = JsonTokenType.None;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                if (items.Count < keep)
                {
                    items.Add(reader.GetString()!);
                }
            }
            else
            {
                if (firstNonString < 0)
                {
                    firstNonString = count;
                    firstNonStringType = reader.TokenType;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            count++;
        }

        return new BridgeFieldValue
        {
            TokenType = JsonTokenType.StartArray,
            Items = items,
            ItemCount = count,
            FirstNonStringItem = firstNonString,
            FirstNonStringItemType = firstNonStringType,
        };
    }

    private static string DescribeSyntaxError(JsonException ex)
    {
        // The exception's own message quotes the offending bytes; only the position is repeated, never the input.
        return ex.LineNumber is { } line && ex.BytePositionInLine is { } position
            ? $"message is not valid JSON (line {line + 1}, byte {position + 1})"
            : "message is not valid JSON";
    }
}
