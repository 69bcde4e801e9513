using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.Diagnostics;

namespace OrleansCache.Runtime.Security;

/// <summary>
/// TLS on a silo port, as Kestrel connection middleware in front of the connection handler: the handler then reads and
/// writes plaintext frames as before. A peer that speaks plaintext to the port gets a Welcome refusing it with
/// <see cref="RejectionCode.TlsRequired"/> (a clear error instead of a broken handshake); failed handshakes are logged
/// and counted as rejections with reason <c>tls</c>.
/// </summary>
/// <remarks>
/// Kestrel's own <c>UseHttps</c> needs services only the web host registers, and the silo builds Kestrel without it
/// (ADR 0008), so this does the same job with <see cref="SslStream"/> (ADR 0020).
/// </remarks>
internal sealed partial class TlsConnectionMiddleware
{
    /// <summary>The first byte of every TLS record that starts a handshake.</summary>
    private const byte TlsHandshakeRecord = 0x16;

    private readonly SslServerAuthenticationOptions _options;
    private readonly TimeSpan _handshakeTimeout;
    private readonly RuntimeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TlsConnectionMiddleware(SslStreamCertificateContext certificate, TimeSpan handshakeTimeout, RuntimeMetrics metrics, TimeProvider time, ILogger logger)
    {
        _options = new SslServerAuthenticationOptions { ServerCertificateContext = certificate, ClientCertificateRequired = false };
        _handshakeTimeout = handshakeTimeout;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public async Task OnConnectionAsync(ConnectionContext context, ConnectionDelegate next)
    {
        using var timeout = new CancellationTokenSource(_handshakeTimeout, _time);
        using var closing = context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested.Register(timeout.Cancel);
        var transport = context.Transport;
        SslStream? secure = null;
        try
        {
            var first = await PeekFirstByteAsync(transport.Input, timeout.Token).ConfigureAwait(false);
            if (first is null)
            {
                // Connected and left without a word (a port probe): nothing to refuse.
                return;
            }

            if (first != TlsHandshakeRecord)
            {
                LogPlaintext(_logger, context.RemoteEndPoint?.ToString());
                _metrics.ConnectionRejected("tls");
                await RefusePlaintextAsync(transport, timeout.Token).ConfigureAwait(false);
                return;
            }

            secure = new SslStream(new DuplexPipeStream(transport), leaveInnerStreamOpen: false);
            await secure.AuthenticateAsServerAsync(_options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            LogHandshakeFailed(_logger, context.RemoteEndPoint?.ToString(), ex.Message);
            _metrics.ConnectionRejected("tls");
            if (secure is not null)
            {
                await secure.DisposeAsync().ConfigureAwait(false);
            }

            return;
        }

        var input = PipeReader.Create(secure, new StreamPipeReaderOptions(leaveOpen: true));
        var output = PipeWriter.Create(secure, new StreamPipeWriterOptions(leaveOpen: true));
        context.Transport = new SecurePipe(input, output);
        context.Features.Set(new TlsTransportFeature(transport));
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set<TlsTransportFeature>(null);
            context.Transport = transport;
            await secure.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Looks at the first byte without consuming it; null when the connection ends before sending any.</summary>
    private static async Task<byte?> PeekFirstByteAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
        var first = result.Buffer.IsEmpty ? (byte?)null : result.Buffer.FirstSpan[0];
        input.AdvanceTo(result.Buffer.Start);
        return first;
    }

    /// <summary>
    /// Answers a plaintext Hello in plaintext, then waits (briefly) for the peer to hang up: closing with its bytes
    /// unread would reset the connection and could lose the answer.
    /// </summary>
    private static async Task RefusePlaintextAsync(IDuplexPipe transport, CancellationToken cancellationToken)
    {
        var refusal = new Welcome { Rejection = "this port requires TLS", RejectionCode = RejectionCode.TlsRequired };
        FrameCodec.Write(transport.Output, new Envelope { Welcome = refusal }, int.MaxValue);
        await transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var result = await transport.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The peer did not hang up in time; the answer has had its chance.
        }
    }

    private sealed class SecurePipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    [LoggerMessage(EventId = 3901, Level = LogLevel.Warning, Message = "Refused a plaintext connection from {Remote} on a TLS port")]
    private static partial void LogPlaintext(ILogger logger, string? remote);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Warning, Message = "TLS handshake with {Remote} failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string? remote, string reason);
}
