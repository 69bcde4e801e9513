using System.Text;
using System.Text.Json;

namespace OrleansCache.Redis.Bridge;

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
