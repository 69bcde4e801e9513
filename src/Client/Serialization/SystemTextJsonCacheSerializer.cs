using System.Text.Json;

namespace OrleansCache.Client;

/// <summary>The default serializer: System.Text.Json with web defaults (camelCase), so other languages read the values too.</summary>
public sealed class SystemTextJsonCacheSerializer(JsonSerializerOptions? options = null) : ICacheSerializer
{
    private readonly JsonSerializerOptions _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    /// <inheritdoc />
    public T? Deserialize<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, _options);
}
