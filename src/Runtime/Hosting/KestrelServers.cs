using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansCache.Runtime.Hosting;

/// <summary>Kestrel without the web host (ADR 0008): how the silo's listeners create and abort their servers.</summary>
internal static class KestrelServers
{
    /// <summary>A Kestrel server on the socket transport, listening where <paramref name="options"/> say once started.</summary>
    public static KestrelServer Create(KestrelServerOptions options, ILoggerFactory loggerFactory)
    {
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        return new KestrelServer(Options.Create(options), transport, loggerFactory);
    }

    /// <summary>Stops listening and drops every connection at once, as a crash would.</summary>
    public static async Task AbortAsync(KestrelServer? server)
    {
        if (server is null)
        {
            return;
        }

        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        await server.StopAsync(now.Token).ConfigureAwait(false);
    }
}
