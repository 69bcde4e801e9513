using System.Collections.Concurrent;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Messaging;

/// <summary>The client connections of this silo's gateway: tells them of view changes and of shutdown.</summary>
internal sealed class GatewayClients
{
    private readonly ConcurrentDictionary<FramedConnection, byte> _clients = new();

    public int Count => _clients.Count;

    public IEnumerable<FramedConnection> Connections => _clients.Keys;

    public void Add(FramedConnection connection) => _clients.TryAdd(connection, 0);

    public void Remove(FramedConnection connection) => _clients.TryRemove(connection, out _);

    /// <summary>Sends to every client without waiting; a client whose queue is full misses it and learns on reconnect.</summary>
    public void Broadcast(Envelope envelope)
    {
        foreach (var client in _clients.Keys)
        {
            client.TrySend(envelope);
        }
    }
}
