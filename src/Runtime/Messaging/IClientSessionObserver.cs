using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Messaging;

/// <summary>
/// Sees a gateway's clients: their arrival and departure, the requests they send (before routing) and the one-way
/// messages they send. Called on connection read loops: return quickly.
/// </summary>
internal interface IClientSessionObserver
{
    void OnConnected(ClientSession session);

    void OnDisconnected(ClientSession session);

    void OnRequest(ClientSession session, Request request);

    void OnMessage(ClientSession session, Push message);
}
