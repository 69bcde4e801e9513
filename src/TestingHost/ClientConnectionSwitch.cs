using System.Net;
using Microsoft.AspNetCore.Connections;

namespace OrleansCache.TestingHost;

/// <summary>
/// A switch in a test client's connection pipeline (Orleans' client connection middleware): cut, it aborts every open
/// connection to the gateways and fails every new one until restored, so the client loses the cluster as it would on
/// a network failure, while the client and the silos keep running.
/// </summary>
/// <remarks>
/// Why a middleware and not a TCP proxy: an Orleans client addresses some calls to its gateway's silo address, so the
/// address it connects to must be the silo's own. The silos see the connections close at once (a reset), where a real
/// network failure would show only as silence until a timeout.
/// </remarks>
internal sealed class ClientConnectionSwitch
{
    private readonly Lock _lock = new();
    private readonly HashSet<ConnectionContext> _open = [];
    private bool _cut;

    // Set by a partial restore: the one gateway the client may reach; null when all may be reached.
    private IPEndPoint? _onlyReachable;

    public ConnectionDelegate Use(ConnectionDelegate next) => async context =>
    {
        lock (_lock)
        {
            if (_cut || (_onlyReachable is { } only && !IsEndPoint(context.RemoteEndPoint, only)))
            {
                throw new ConnectionAbortedException("The test cut this client off from the cluster.");
            }

            _open.Add(context);
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(context);
            }
        }
    };

    public void Cut()
    {
        List<ConnectionContext> open;
        lock (_lock)
        {
            _cut = true;
            open = [.. _open];
        }

        foreach (var connection in open)
        {
            connection.Abort(new ConnectionAbortedException("The test cut this client off from the cluster."));
        }
    }

    /// <summary>Lets connections through again: to every gateway, or only to <paramref name="onlyTo"/>.</summary>
    public void Restore(IPEndPoint? onlyTo = null)
    {
        lock (_lock)
        {
            _cut = false;
            _onlyReachable = onlyTo;
        }
    }

    private static bool IsEndPoint(EndPoint? candidate, IPEndPoint endPoint) =>
        candidate is IPEndPoint ip && ip.Port == endPoint.Port && ip.Address.MapToIPv4().Equals(endPoint.Address.MapToIPv4());

    /// <summary>The gateways this client has a connection to now.</summary>
    public IReadOnlyCollection<EndPoint> ConnectedGateways()
    {
        lock (_lock)
        {
            return [.. _open.Select(c => c.RemoteEndPoint).OfType<EndPoint>().Distinct()];
        }
    }
}
