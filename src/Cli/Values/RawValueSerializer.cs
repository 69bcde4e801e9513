using OrleansCache.Client;

namespace OrleansCache.Cli.Values;

/// <summary>Passes <see cref="RawValue"/> bytes through the cache client unchanged; the tool uses no other type.</summary>
internal sealed class RawValueSerializer : ICacheSerializer
{
    public byte[] Serialize<T>(T value) =>
        value is RawValue raw ? raw.Bytes : throw new NotSupportedException($"The tool stores only {nameof(RawValue)}, not {typeof(T).Name}.");

    public T? Deserialize<T>(ReadOnlySpan<byte> bytes) =>
        typeof(T) == typeof(RawValue) ? (T)(object)new RawValue(bytes.ToArray()) : throw new NotSupportedException($"The tool reads only {nameof(RawValue)}, not {typeof(T).Name}.");
}
