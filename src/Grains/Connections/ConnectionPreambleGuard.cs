using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansCache.Grains.Diagnostics;

namespace OrleansCache.Grains.Connections;

/// <summary>
/// Connection middleware on the silo's inbound ports: a peer must send Orleans' connection preamble (a 4-byte
/// little-endian length and that many bytes) within <see cref="CacheSiloOptions.ConnectionPreambleTimeout"/> of
/// connecting, or the connection is closed, counted and logged.
/// </summary>
/// <remarks>
/// <para>
/// Orleans 10.4.2 reads the preamble without a timeout (<c>ConnectionPreambleHelper.Read</c>), so a peer that connects
/// and sends nothing, or part of a preamble, holds a socket and a connection object for as long as it likes; a few
/// thousand such connections exhaust the silo's descriptors (G8, docs/adr/0060).
/// </para>
/// <para>
/// The guard only looks: it consumes no byte, so Orleans reads the same preamble afterwards and judges its contents.
/// A declared length Orleans refuses (negative, or over its 1 KiB bound) is handed on at once for Orleans to refuse.
/// It is registered after every other inbound middleware (TLS included), so it sees the decrypted bytes and its clock
/// starts when TLS, which has its own handshake timeout, is done.
/// </para>
/// </remarks>
internal sealed partial class ConnectionPreambleGuard
{
    /// <summary>Orleans' own bound on a preamble's declared length.</summary>
    private const int MaxPreambleLength = 1024;

    private readonly IOptions<CacheSiloOptions> _options;
    private readonly CacheSiloMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _logInterval = TimeSpan.FromSeconds(10);
    private readonly Lock _logLock = new();
    private long _lastLogged;
    private long _unlogged;

    public ConnectionPreambleGuard(IOptions<CacheSiloOptions> options, CacheSiloMetrics metrics, TimeProvider time, ILogger<ConnectionPreambleGuard> logger)
    {
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>The middleware for one port (<c>silo</c> or <c>gateway</c>, as the metric's <c>port</c> tag).</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> For(string port) => next => context => GuardAsync(context, next, port);

    private async Task GuardAsync(ConnectionContext context, ConnectionDelegate next, string port)
    {
        var timeout = _options.Value.ConnectionPreambleTimeout;
        if (timeout != Timeout.InfiniteTimeSpan && !await ArrivesInTimeAsync(context.Transport.Input, timeout).ConfigureAwait(false))
        {
            Reject(context, port, timeout);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private async Task<bool> ArrivesInTimeAsync(PipeReader input, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return false;
            }

            var buffer = result.Buffer;
            if (result.IsCompleted || result.IsCanceled || HoldsPreamble(buffer))
            {
                // Nothing consumed, nothing examined: Orleans' first read returns these bytes at once. A peer that
                // ended the stream is Orleans' to close ("terminated prematurely").
                input.AdvanceTo(buffer.Start);
                return true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool HoldsPreamble(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < sizeof(int))
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[sizeof(int)];
        buffer.Slice(0, sizeof(int)).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        return length is < 0 or > MaxPreambleLength || buffer.Length - sizeof(int) >= length;
    }

    private void Reject(ConnectionContext context, string port, TimeSpan timeout)
    {
        _metrics.ConnectionRejected("preamble_timeout", port);
        context.Abort(new ConnectionAbortedException("No Orleans connection preamble within the configured time."));

        // At most one line per interval, however many idle connections a peer opens.
        long suppressed;
        lock (_logLock)
        {
            var now = _time.GetTimestamp();
            if (_lastLogged != 0 && _time.GetElapsedTime(_lastLogged, now) < _logInterval)
            {
                _unlogged++;
                return;
            }

            suppressed = _unlogged;
            _unlogged = 0;
            _lastLogged = now;
        }

        LogPreambleTimeout(_logger, port, Describe(context.RemoteEndPoint), timeout.TotalSeconds, suppressed);
    }

    private static string Describe(EndPoint? endPoint) => endPoint?.ToString() ?? "unknown";
}
