using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>
/// Records the connection preamble a real Orleans client sends its gateway (a 4-byte little-endian length, then the
/// serialized preamble: protocol version, client id, cluster id), by pointing a client at a listener of our own.
/// Mutated, it reaches Orleans' preamble deserializer and its checks rather than bouncing off the length.
/// </summary>
internal static class PreambleRecorder
{
    public static async Task<byte[]> RecordClientPreambleAsync(string clusterId, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOrleansCacheClient(o =>
        {
            o.Gateways.Add($"127.0.0.1:{port}");
            o.ClusterId = clusterId;
        }, client => client.UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        using var host = builder.Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var starting = host.StartAsync(stop.Token);
        try
        {
            using var socket = await listener.AcceptSocketAsync(cancellationToken);
            var header = await ReadExactlyAsync(socket, 4, cancellationToken);
            var body = await ReadExactlyAsync(socket, BinaryPrimitives.ReadInt32LittleEndian(header), cancellationToken);
            return [.. header, .. body];
        }
        finally
        {
            // The client waits for a gateway that will never answer: stop it and let its start fail.
            await stop.CancelAsync();
            await starting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
