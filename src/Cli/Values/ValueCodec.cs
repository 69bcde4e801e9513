using System.Text;
using System.Text.Json;

namespace OrleansCache.Cli.Values;

/// <summary>
/// Turns command-line values into stored bytes and back. Values written by .NET clients are JSON (the default
/// serializer), so reading tries JSON first: a JSON string prints as its text, other JSON as JSON; bytes that are not
/// JSON print as UTF-8 text, and bytes that are not UTF-8 as base64.
/// </summary>
internal static class ValueCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="CliUsageException">The format is JSON and the value is not.</exception>
    public static byte[] Encode(string value, ValueFormat format)
    {
        switch (format)
        {
            case ValueFormat.String:
                return JsonSerializer.SerializeToUtf8Bytes(value);
            case ValueFormat.Json:
                try
                {
                    using var document = JsonDocument.Parse(value);
                }
                catch (JsonException ex)
                {
                    throw new CliUsageException($"VALUE is not JSON ({ex.Message}); drop --as json to store it as a string.");
                }

                return Encoding.UTF8.GetBytes(value);
            default:
                return Encoding.UTF8.GetBytes(value);
        }
    }

    public static DecodedValue Decode(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.String
                ? new DecodedValue(document.RootElement.GetString()!, "string")
                : new DecodedValue(StrictUtf8.GetString(bytes).Trim(), "json");
        }
        catch (JsonException)
        {
            // Not JSON: stored raw by another writer.
        }

        try
        {
            return new DecodedValue(StrictUtf8.GetString(bytes), "text");
        }
        catch (DecoderFallbackException)
        {
            return new DecodedValue(Convert.ToBase64String(bytes), "base64");
        }
    }
}
