using System.Buffers;
using System.Net.Sockets;
using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Security;
using OrleansCache.Runtime.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Runtime.Tests.Security;

/// <summary>The challenge-response on the wire, spoken by hand.</summary>
public sealed class HandshakeTests
{
    [Fact]
    public async Task RightProof_IsWelcomed_WithTheSilosOwnProof_AndAReplayedProofIsRefused()
    {
        var secret = Secrets.New();
        var key = System.Text.Encoding.UTF8.GetBytes(secret);
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.SharedSecret = secret);
        var gateway = cluster.Silos[0].GatewayEndPoint;
        var hello = new Hello
        {
            ProtocolVersion = FrameCodec.ProtocolVersion,
            ClusterId = cluster.Options.ClusterId,
            Role = PeerRole.Client,
            PeerName = "by-hand",
            AuthNonce = ByteString.CopyFrom(HandshakeProof.NewNonce()),
        };

        byte[] recorded;
        await using (var first = await FrameSocket.ConnectAsync(gateway))
        {
            await first.SendAsync(new Envelope { Hello = hello });
            var challenge = (await first.ReceiveAsync()).AuthChallenge;
            recorded = HandshakeProof.Connecting(key, hello, challenge.Nonce.Span);
            await first.SendAsync(new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(recorded) } });
            var welcome = (await first.ReceiveAsync()).Welcome;

            Assert.Empty(welcome.Rejection);
            Assert.True(HandshakeProof.Matches(HandshakeProof.Accepting(key, hello, challenge.Nonce.Span), welcome.AuthProof.Span));
        }

        // The same Hello and the recorded proof, as an eavesdropper would replay them: the silo's nonce is new.
        await using var replay = await FrameSocket.ConnectAsync(gateway);
        await replay.SendAsync(new Envelope { Hello = hello });
        var second = (await replay.ReceiveAsync()).AuthChallenge;
        await replay.SendAsync(new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(recorded) } });
        var refused = (await replay.ReceiveAsync()).Welcome;

        Assert.NotEqual(second.Nonce, ByteString.Empty);
        Assert.Equal("authentication failed", refused.Rejection);
        Assert.Equal(RejectionCode.AuthenticationFailed, refused.RejectionCode);
        Assert.Empty(refused.AuthProof);
    }

    [Fact]
    public async Task AnythingButAProof_AfterTheChallenge_ClosesTheConnection()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.SharedSecret = Secrets.New());
        await using var socket = await FrameSocket.ConnectAsync(cluster.Silos[0].GatewayEndPoint);
        await socket.SendAsync(new Envelope
        {
            Hello = new Hello
            {
                ProtocolVersion = FrameCodec.ProtocolVersion,
                ClusterId = cluster.Options.ClusterId,
                Role = PeerRole.Client,
                AuthNonce = ByteString.CopyFrom(HandshakeProof.NewNonce()),
            },
        });
        await socket.ReceiveAsync();

        await socket.SendAsync(new Envelope { Request = new Request { Id = 1, GrainType = "test-sequence", GrainKey = "k", Method = "NextAsync" } });

        Assert.Null(await socket.ReceiveOrEndAsync());
    }

    /// <summary>A framed connection without the client library: send an envelope, receive the next one.</summary>
    private sealed class FrameSocket : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly List<byte> _received = [];

        private FrameSocket(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        public static async Task<FrameSocket> ConnectAsync(string endPoint)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(EndPointParser.Parse(endPoint), TestContext.Current.CancellationToken);
            return new FrameSocket(socket);
        }

        public async Task SendAsync(Envelope envelope)
        {
            var buffer = new ArrayBufferWriter<byte>();
            FrameCodec.Write(buffer, envelope, 1 << 20);
            await _stream.WriteAsync(buffer.WrittenMemory, TestContext.Current.CancellationToken);
        }

        public async Task<Envelope> ReceiveAsync() =>
            await ReceiveOrEndAsync() ?? throw new IOException("The silo closed the connection.");

        /// <summary>The next envelope, or null when the silo closes the connection first.</summary>
        public async Task<Envelope?> ReceiveOrEndAsync()
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(Clusters.Timeout);
            var chunk = new byte[4096];
            while (true)
            {
                var buffer = new ReadOnlySequence<byte>(_received.ToArray());
                if (FrameCodec.TryReadFrame(ref buffer, 1 << 20, out var payload))
                {
                    var envelope = FrameCodec.Parse(payload);
                    _received.RemoveRange(0, (int)(_received.Count - buffer.Length));
                    return envelope;
                }

                int read;
                try
                {
                    read = await _stream.ReadAsync(chunk, limit.Token);
                }
                catch (IOException)
                {
                    return null;
                }

                if (read == 0)
                {
                    return null;
                }

                _received.AddRange(chunk.AsSpan(0, read).ToArray());
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _socket.Dispose();
        }
    }
}
