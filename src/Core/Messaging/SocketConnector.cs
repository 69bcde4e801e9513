using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using OrleansCache.Core.Security;

namespace OrleansCache.Core.Messaging;

/// <summary>Opens client-side TCP connections, optionally over TLS, as duplex pipes.</summary>
internal static class SocketConnector
{
    /// <summary>
    /// Connects to <paramref name="endPoint"/> and, with <paramref name="tls"/>, completes the TLS handshake; the returned
    /// resource closes the socket.
    /// </summary>
    /// <exception cref="SocketException">The connection was refused or failed.</exception>
    /// <exception cref="TimeoutException">The connection did not complete within <paramref name="timeout"/>.</exception>
    /// <exception cref="ClusterAuthenticationException">The silo's TLS certificate is not trusted.</exception>
    /// <exception cref="IOException">The TLS handshake broke off (e.g. the port does not speak TLS).</exception>
    public static async Task<(IDuplexPipe Pipe, IDisposable Resource)> ConnectAsync(
        EndPoint endPoint, TimeSpan timeout, TimeProvider time, TlsClientSettings? tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeoutSource = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
            try
            {
                await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
                var network = new NetworkStream(socket, ownsSocket: true);
                if (tls is null)
                {
                    return (PipeOver(network), network);
                }

                var secure = await AuthenticateAsync(network, endPoint, tls, linked.Token).ConfigureAwait(false);
                return (PipeOver(secure), new SecureResource(network, secure));
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {endPoint} took longer than {timeout.TotalMilliseconds:0} ms.");
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<SslStream> AuthenticateAsync(NetworkStream network, EndPoint endPoint, TlsClientSettings tls, CancellationToken cancellationToken)
    {
        var host = tls.TargetHost ?? endPoint switch
        {
            DnsEndPoint dns => dns.Host,
            IPEndPoint ip => ip.Address.ToString(),
            _ => endPoint.ToString() ?? string.Empty,
        };
        SslPolicyErrors? refused = null;
        var secure = new SslStream(network, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                var trusted = tls.IsTrusted(sender, certificate, chain, errors);
                refused = trusted ? null : errors;
                return trusted;
            },
        };
        try
        {
            await secure.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return secure;
        }
        catch (AuthenticationException ex) when (refused is not null)
        {
            await secure.DisposeAsync().ConfigureAwait(false);
            throw new ClusterAuthenticationException(
                $"The TLS certificate of {endPoint} is not trusted for '{host}' ({refused}). Trust its CA or the certificate itself (Tls.TrustedCertificates), and check that it names '{host}'.",
                ex);
        }
        catch (AuthenticationException ex)
        {
            await secure.DisposeAsync().ConfigureAwait(false);
            throw new ClusterAuthenticationException($"The TLS handshake with {endPoint} failed: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            await secure.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"The TLS handshake with {endPoint} broke off ({ex.Message}); if that silo does not use TLS, turn TLS off on this side.", ex);
        }
    }

    private static StreamDuplexPipe PipeOver(Stream stream) => new(
        PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));

    private sealed class StreamDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Closes the socket first, which ends a read or write in progress at once, then releases the TLS state.</summary>
    private sealed class SecureResource(NetworkStream network, SslStream secure) : IDisposable
    {
        public void Dispose()
        {
            network.Dispose();
            secure.Dispose();
        }
    }
}
