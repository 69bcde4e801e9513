using System.Text;
using System.Text.Json;

namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// The field names one message format knows, in a fixed order so parsers can address captured values by index.
/// Names are kept as UTF-8 so they are matched against the raw message without decoding each property name.
/// </summary>
internal sealed class BridgeFieldSchema
{
    private readonly string[] _names;
    private readonly byte[][] _utf8Names;

    public BridgeFieldSchema(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names;
        _utf8Names = Array.ConvertAll(names, Encoding.UTF8.GetBytes);
    }

    /// <summary>How many fields the format knows.</summary>
    public int Count => _names.Length;

    /// <summary>The name of the field at <paramref name="index"/>.</summary>
    public string NameAt(int index) => _names[index];

    /// <summary>
    /// Checks the fields that depend on the message's kind: of <paramref name="kindFields"/>, exactly the
    /// <paramref name="required"/> ones must be present (a publisher's stray field is refused, not ignored).
    /// </summary>
    /// <param name="values">The captured values, by field index.</param>
    /// <param name="kindFields">The fields whose presence depends on the kind.</param>
    /// <param name="required">Those the message's kind needs.</param>
    /// <param name="discriminator">How the kind is called in messages, for details: "action" or "type".</param>
    /// <param name="kind">The message's kind, for details.</param>
    public BridgeRejection? CheckKindFields(BridgeFieldValue?[] values, int[] kindFields, int[] required, string discriminator, string kind)
    {
        foreach (var field in kindFields)
        {
            if (values[field] is not null && Array.IndexOf(required, field) < 0)
            {
                return new BridgeRejection(BridgeRejectionReason.UnknownField, $"field '{NameAt(field)}' is not allowed for {discriminator} '{kind}'");
            }
        }

        foreach (var field in required)
        {
            if (values[field] is null)
            {
                return new BridgeRejection(BridgeRejectionReason.MissingField, $"field '{NameAt(field)}' is required for {discriminator} '{kind}'");
            }
        }

        return null;
    }

    /// <summary>
    /// The index of the property name the reader is on, or -1 when the format does not know it. Matching goes through
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> so an escaped spelling such as
    /// <c>"act\u0069on"</c> is the same field (and so is caught as a duplicate), exactly as any JSON library reads it.
    /// </summary>
    public int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
