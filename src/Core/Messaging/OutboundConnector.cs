using System.Net;
using Microsoft.Extensions.Logging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Security;

namespace OrleansCache.Core.Messaging;

/// <summary>
/// Opens a framed connection and performs the connecting side of the handshake: Hello, then Welcome; with a key,
/// Hello, challenge, proof, then a Welcome carrying the silo's proof (docs/adr/0020-cluster-authentication.md).
/// </summary>
internal static class OutboundConnector
{
    /// <summary>
    /// Connects, sends <paramref name="hello"/> and waits for the Welcome, all within <paramref name="connectTimeout"/>.
    /// The caller checks the Welcome (rejection, identity) and closes the connection if it does not accept it; refusals
    /// for authentication or TLS are thrown here.
    /// </summary>
    /// <exception cref="TimeoutException">Connecting or the handshake took too long.</exception>
    /// <exception cref="ClusterAuthenticationException">
    /// The silo refused our credentials, requires credentials or TLS we do not have, could not prove it holds our key,
    /// or its certificate is not trusted.
    /// </exception>
    public static async Task<(FramedConnection Connection, Welcome Welcome)> ConnectAsync(
        EndPoint endPoint,
        string name,
        OutboundPeerState state,
        Hello hello,
        OutboundSecurity security,
        IEnvelopeHandler handler,
        ConnectionOptions options,
        TimeSpan connectTimeout,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var (pipe, resource) = await SocketConnector.ConnectAsync(endPoint, connectTimeout, time, security.Tls, cancellationToken).ConfigureAwait(false);
        var connection = new FramedConnection(pipe, options, handler, time, logger, name, resource) { PeerState = state };
        connection.Start();
        try
        {
            var credential = security.Credential;
            hello.ProtocolVersion = FrameCodec.ProtocolVersion;
            if (credential is not null)
            {
                hello.AuthNonce = Google.Protobuf.ByteString.CopyFrom(HandshakeProof.NewNonce());
                hello.KeyId = credential.KeyId;
            }

            await connection.SendAsync(new Envelope { Hello = hello }, cancellationToken).ConfigureAwait(false);
            var welcome = await AnswerAsync(connection, name, state, hello, credential, connectTimeout, time, cancellationToken).ConfigureAwait(false);
            ThrowIfRefusedCredentials(name, welcome);
            return (connection, welcome);
        }
        catch
        {
            connection.Close(null);
            throw;
        }
    }

    private static async Task<Welcome> AnswerAsync(
        FramedConnection connection,
        string name,
        OutboundPeerState state,
        Hello hello,
        ClusterCredential? credential,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // One budget for the whole exchange, however many frames it takes.
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            var first = await Task.WhenAny(state.Welcome.Task, state.Challenge.Task).WaitAsync(linked.Token).ConfigureAwait(false);
            if (first == state.Welcome.Task)
            {
                var unauthenticated = await state.Welcome.Task.ConfigureAwait(false);
                if (credential is not null && string.IsNullOrEmpty(unauthenticated.Rejection))
                {
                    // Talking on would let anyone posing as a silo skip authentication by simply not asking for it.
                    throw new ClusterAuthenticationException(
                        $"{name} accepted the connection without authenticating it, so it cannot be a silo of a cluster that uses this shared secret; configure Security:SharedSecret on the silos too (or remove it here).");
                }

                return unauthenticated;
            }

            var challenge = await state.Challenge.Task.ConfigureAwait(false);
            if (credential is null || challenge.Nonce.Length != HandshakeProof.NonceLength)
            {
                throw new ProtocolViolationException($"{name} sent an authentication challenge the client did not ask for.");
            }

            var proof = HandshakeProof.Connecting(credential.Key, hello, challenge.Nonce.Span);
            await connection.SendAsync(new Envelope { AuthProof = new AuthProof { Proof = Google.Protobuf.ByteString.CopyFrom(proof) } }, linked.Token).ConfigureAwait(false);
            var welcome = await state.Welcome.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            if (string.IsNullOrEmpty(welcome.Rejection)
                && !HandshakeProof.Matches(HandshakeProof.Accepting(credential.Key, hello, challenge.Nonce.Span), welcome.AuthProof.Span))
            {
                throw new ClusterAuthenticationException($"{name} accepted this {credential} but could not prove it holds the same key; it is not a silo of this cluster.");
            }

            return welcome;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The handshake with {name} took longer than {timeout.TotalMilliseconds:0} ms.");
        }
    }

    private static void ThrowIfRefusedCredentials(string name, Welcome welcome)
    {
        var advice = welcome.RejectionCode switch
        {
            RejectionCode.AuthenticationRequired => "configure the cluster's shared secret (Security:SharedSecret) on this side",
            RejectionCode.AuthenticationFailed => "the shared secret or client key differs from the silo's; check Security:SharedSecret (and the key id) on both sides",
            RejectionCode.TlsRequired => "turn TLS on for this side (Security:Tls) and trust the silo's certificate",
            _ => null,
        };
        if (advice is not null)
        {
            throw new ClusterAuthenticationException($"{name} refused the connection: {welcome.Rejection}; {advice}.");
        }
    }
}
