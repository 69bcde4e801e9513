using System.IO.Pipelines;

namespace OrleansCache.Runtime.Security;

/// <summary>
/// Set on a connection that runs over TLS, for the connection's owner to close it with: it ends reads and flushes in
/// progress by cancelling them on the Kestrel transport underneath. The TLS pipes themselves may not be cancelled
/// once they have completed, which a closing connection cannot rule out.
/// </summary>
internal sealed class TlsTransportFeature(IDuplexPipe underlying) : IDisposable
{
    public void Dispose()
    {
        underlying.Input.CancelPendingRead();
        underlying.Output.CancelPendingFlush();
    }
}
