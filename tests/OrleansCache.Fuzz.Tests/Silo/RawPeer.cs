using System.IO.Pipelines;
using System.Net.Sockets;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>
/// A socket that speaks the wire protocol by hand, so a test can send a silo what no client would, or play a gateway
/// that sends a client what no silo would.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private RawPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    public static async Task<RawPeer> ConnectAsync(string endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(EndPointParser.Parse(endPoint), cancellationToken);
            return new RawPeer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a connection a test accepted (playing the silo's side).</summary>
    public static RawPeer Accepted(Socket socket) => new(socket);

    /// <summary>Sends bytes; false if the peer already closed the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Tells the silo nothing more is coming (a half-close).</summary>
    public void EndSending()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Closed already.
        }
    }

    /// <summary>The next envelope from the peer, or null once it closed the connection.</summary>
    public async Task<Envelope?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cancellationToken);
            }
            catch (IOException)
            {
                return null; // a reset is a close too
            }

            var buffer = result.Buffer;
            if (FrameCodec.TryReadFrame(ref buffer, int.MaxValue, out var payload))
            {
                var envelope = FrameCodec.Parse(payload);
                _reader.AdvanceTo(buffer.Start);
                return envelope;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
