using System.Buffers;
using System.Text.Json;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Redis.Bridge;

/// <summary>Writes a cluster invalidation as a canonical bridge message (docs/wire-format.md, outbound channel).</summary>
internal static class OutboundMessageWriter
{
    /// <summary>The message, or null for what the canonical format cannot say (a tag: its keys go out one by one).</summary>
    public static byte[]? Write(Invalidation invalidation, string source, DateTimeOffset now)
    {
        if (invalidation.Kind is not (InvalidationKind.Key or InvalidationKind.Pattern or InvalidationKind.All))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (invalidation.Kind)
            {
                case InvalidationKind.Key:
                    WriteKey(writer, invalidation.Target!);
                    break;
                case InvalidationKind.Pattern:
                    writer.WriteString("action"u8, "pattern"u8);
                    writer.WriteString("pattern"u8, invalidation.Target);
                    break;
                default:
                    writer.WriteString("action"u8, "all"u8);
                    break;
            }

            writer.WriteString("source"u8, source);
            writer.WriteString("message_id"u8, Guid.NewGuid().ToString("N"));
            writer.WriteString("timestamp"u8, now);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>user:123</c> goes out as entity <c>user</c> / <c>123</c> (the form most publishers use); a key that would not
    /// come back the same through that form (no colon, or a type with upper-case or other characters) goes out as a
    /// one-key batch.
    /// </summary>
    private static void WriteKey(Utf8JsonWriter writer, string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon < key.Length - 1 && IsEntityType(key.AsSpan(0, colon)))
        {
            writer.WriteString("action"u8, "invalidate"u8);
            writer.WriteString("entity_type"u8, key.AsSpan(0, colon));
            writer.WriteString("entity_id"u8, key.AsSpan(colon + 1));
        }
        else
        {
            writer.WriteString("action"u8, "batch"u8);
            writer.WriteStartArray("entity_ids"u8);
            writer.WriteStringValue(key);
            writer.WriteEndArray();
        }
    }

    private static bool IsEntityType(ReadOnlySpan<char> type)
    {
        foreach (var c in type)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
