using Google.Protobuf;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.SiloMessaging;

/// <summary>Receives one-way messages other silos post on one stream, and learns when some may have been lost.</summary>
internal interface ISiloMessageHandler
{
    /// <summary>The stream this handler receives.</summary>
    string Stream { get; }

    /// <summary>Called in the order the sender posted, per sender. Return quickly.</summary>
    void OnMessage(SiloAddress from, ByteString payload);

    /// <summary>
    /// Messages from <paramref name="from"/> may have been lost (a sequence gap, or its connection dropped).
    /// Whatever depended on them must be repaired by other means.
    /// </summary>
    void OnPossibleLoss(SiloAddress from);
}
