using Google.Protobuf;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.SiloMessaging;

/// <summary>
/// A service every silo hosts under a well-known name, called on a chosen silo rather than placed by hash
/// (e.g. "invalidate what you hold that matches this pattern").
/// </summary>
internal interface ISystemTarget
{
    /// <summary>The target's name; unique within the silo.</summary>
    string Name { get; }

    /// <summary>Handles one request. Runs concurrently with other requests: implementations are thread-safe.</summary>
    Task<ByteString> HandleAsync(string operation, ByteString payload, CancellationToken cancellationToken);
}
