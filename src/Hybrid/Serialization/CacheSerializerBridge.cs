using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;
using OrleansCache.Client;

namespace OrleansCache.Hybrid.Serialization;

/// <summary>
/// Every other type through the client's <see cref="ICacheSerializer"/> (System.Text.Json with web defaults unless the
/// app replaced it), so a key reads the same through <see cref="HybridCache"/> and <see cref="IOrleansCache"/>.
/// </summary>
internal sealed class CacheSerializerBridge<T>(ICacheSerializer serializer) : IHybridCacheSerializer<T>
{
    public T Deserialize(ReadOnlySequence<byte> source) =>
        source.IsSingleSegment ? serializer.Deserialize<T>(source.FirstSpan)! : serializer.Deserialize<T>(source.ToArray())!;

    public void Serialize(T value, IBufferWriter<byte> target) => target.Write(serializer.Serialize(value));
}
