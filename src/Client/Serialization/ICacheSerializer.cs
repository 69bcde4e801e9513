namespace OrleansCache.Client;

/// <summary>Turns cache values into bytes and back. Register another implementation to replace System.Text.Json.</summary>
public interface ICacheSerializer
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes bytes that <see cref="Serialize{T}"/> produced.</summary>
    T? Deserialize<T>(ReadOnlySpan<byte> bytes);
}
