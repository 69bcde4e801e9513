using Orleans.Providers;
using Orleans.Serialization;

namespace OrleansCache.Cache.Tests.Streams;

/// <summary>
/// Memory streams' message serializer with a switch, to make the stream provider fail or stand still under the cache's
/// publication: the producer serializes on the caller's thread, before the queue grain has the event.
/// </summary>
internal sealed class FaultyMemoryStreamSerializer(StreamProviderFault fault, Serializer<MemoryMessageBody> serializer) : IMemoryMessageBodySerializer
{
    private readonly DefaultMemoryMessageBodySerializer _inner = new(serializer);

    public ArraySegment<byte> Serialize(MemoryMessageBody body)
    {
        fault.Apply();
        return _inner.Serialize(body);
    }

    public MemoryMessageBody Deserialize(ArraySegment<byte> bodyBytes) => _inner.Deserialize(bodyBytes);
}
