using System.Collections.Concurrent;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Runtime.Messaging;

/// <summary>The client sessions of this silo's gateway, and the observers that watch them.</summary>
internal sealed class GatewayClients(IEnumerable<IClientSessionObserver> observers)
{
    private readonly ConcurrentDictionary<FramedConnection, ClientSession> _sessions = new();
    private readonly IClientSessionObserver[] _observers = [.. observers];

    public int Count => _sessions.Count;

    public void Add(FramedConnection connection, string clientId)
    {
        var session = new ClientSession(clientId, connection);
        if (_sessions.TryAdd(connection, session))
        {
            foreach (var observer in _observers)
            {
                observer.OnConnected(session);
            }
        }
    }

    public void Remove(FramedConnection connection)
    {
        if (_sessions.TryRemove(connection, out var session))
        {
            foreach (var observer in _observers)
            {
                observer.OnDisconnected(session);
            }
        }
    }

    public void OnRequest(FramedConnection connection, Request request)
    {
        if (_observers.Length > 0 && _sessions.TryGetValue(connection, out var session))
        {
            foreach (var observer in _observers)
            {
                observer.OnRequest(session, request);
            }
        }
    }

    public void OnMessage(FramedConnection connection, Push message)
    {
        if (_sessions.TryGetValue(connection, out var session))
        {
            foreach (var observer in _observers)
            {
                observer.OnMessage(session, message);
            }
        }
    }

    /// <summary>Sends to every client without waiting; a client whose queue is full misses it and learns on reconnect.</summary>
    public void Broadcast(Envelope envelope)
    {
        foreach (var connection in _sessions.Keys)
        {
            connection.TrySend(envelope);
        }
    }
}
