using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansCache.Hybrid.Serialization;

/// <summary>Byte arrays stored as they are, as HybridCache stores them by default.</summary>
internal sealed class RawBytesSerializer : IHybridCacheSerializer<byte[]>
{
    public static readonly RawBytesSerializer Instance = new();

    public byte[] Deserialize(ReadOnlySequence<byte> source) => source.ToArray();

    public void Serialize(byte[] value, IBufferWriter<byte> target) => target.Write(value);
}
