using Google.Protobuf;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Proxies;

/// <summary>Sends grain requests: the client through its gateway, a silo through its router.</summary>
internal interface IGrainCallInvoker
{
    /// <summary>Sends <paramref name="request"/> and returns the encoded result, or throws the call's typed exception.</summary>
    Task<ByteString> InvokeAsync(Request request, CancellationToken cancellationToken);
}
