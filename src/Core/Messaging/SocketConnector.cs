using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace OrleansCache.Core.Messaging;

/// <summary>Opens client-side TCP connections as duplex pipes.</summary>
internal static class SocketConnector
{
    /// <summary>Connects to <paramref name="endPoint"/>; the returned resource closes the socket.</summary>
    /// <exception cref="SocketException">The connection was refused or failed.</exception>
    /// <exception cref="TimeoutException">The connection did not complete within <paramref name="timeout"/>.</exception>
    public static async Task<(IDuplexPipe Pipe, IDisposable Resource)> ConnectAsync(
        EndPoint endPoint, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeoutSource = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
            try
            {
                await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {endPoint} took longer than {timeout.TotalMilliseconds:0} ms.");
            }

            var stream = new NetworkStream(socket, ownsSocket: true);
            var pipe = new StreamDuplexPipe(
                PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
                PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
            return (pipe, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class StreamDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
