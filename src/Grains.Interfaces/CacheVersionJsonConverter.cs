using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansCache.Grains.Interfaces;

/// <summary>
/// Reads and writes a <see cref="CacheVersion"/> as the object the default serializer would (<c>{"Era":1,"Activation":2,"Change":3}</c>),
/// without the serializer's per-object bookkeeping: versions ride on nearly every cache call, and the default path
/// allocated a frame stack for each one.
/// </summary>
internal sealed class CacheVersionJsonConverter : JsonConverter<CacheVersion>
{
    public override CacheVersion Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A cache version must be a JSON object.");
        }

        long era = 0, activation = 0, change = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("A cache version holds only properties.");
            }

            var name = reader.ValueSpan;
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
            {
                throw new JsonException("A cache version's fields are numbers.");
            }

            if (name.SequenceEqual("Era"u8))
            {
                era = reader.GetInt64();
            }
            else if (name.SequenceEqual("Activation"u8))
            {
                activation = reader.GetInt64();
            }
            else if (name.SequenceEqual("Change"u8))
            {
                change = reader.GetInt64();
            }
            else
            {
                throw new JsonException($"Unknown cache version field '{reader.GetString()}'.");
            }
        }

        return new CacheVersion(era, activation, change);
    }

    public override void Write(Utf8JsonWriter writer, CacheVersion value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("Era"u8, value.Era);
        writer.WriteNumber("Activation"u8, value.Activation);
        writer.WriteNumber("Change"u8, value.Change);
        writer.WriteEndObject();
    }
}
