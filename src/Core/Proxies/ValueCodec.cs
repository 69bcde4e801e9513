using System.Text.Json;
using Google.Protobuf;

namespace OrleansCache.Core.Proxies;

/// <summary>
/// Encodes grain call arguments and results. Byte arrays travel raw (one marker byte tells null from empty);
/// everything else is System.Text.Json, so any serializable type works without registration.
/// </summary>
internal static class ValueCodec
{
    private const byte NullMarker = 0;
    private const byte ValueMarker = 1;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General) { MaxDepth = 64 };

    public static ByteString Encode(object? value, Type type)
    {
        if (type == typeof(byte[]))
        {
            if (value is not byte[] bytes)
            {
                return ByteString.CopyFrom(NullMarker);
            }

            var buffer = new byte[bytes.Length + 1];
            buffer[0] = ValueMarker;
            bytes.CopyTo(buffer, 1);
            return UnsafeByteOperations.UnsafeWrap(buffer);
        }

        return UnsafeByteOperations.UnsafeWrap(JsonSerializer.SerializeToUtf8Bytes(value, type, JsonOptions));
    }

    /// <exception cref="FormatException">The bytes are not a value of <paramref name="type"/>.</exception>
    public static object? Decode(ByteString data, Type type)
    {
        var span = data.Span;
        if (type == typeof(byte[]))
        {
            if (span.IsEmpty)
            {
                throw new FormatException("A byte[] value is missing its marker byte.");
            }

            return span[0] switch
            {
                NullMarker => null,
                ValueMarker => span[1..].ToArray(),
                _ => throw new FormatException($"Unknown byte[] marker {span[0]}."),
            };
        }

        try
        {
            return JsonSerializer.Deserialize(span, type, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Bytes are not a JSON value of type {type.Name}: {ex.Message}", ex);
        }
    }
}
