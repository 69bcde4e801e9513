using System.Globalization;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.Hosting;

/// <summary>This silo's identity, known once its listeners are bound.</summary>
internal sealed class LocalSiloDetails
{
    private static long _lastGeneration;
    private SiloAddress? _address;

    public SiloAddress Address => _address ?? throw new InvalidOperationException("The silo has not bound its endpoints yet.");

    public bool IsBound => _address is not null;

    public string? GatewayEndPoint { get; private set; }

    public int SiloPort { get; private set; }

    public int GatewayPort { get; private set; }

    public void Bind(string advertisedHost, int siloPort, int gatewayPort)
    {
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        GatewayEndPoint = $"{advertisedHost}:{gatewayPort.ToString(CultureInfo.InvariantCulture)}";
        _address = new SiloAddress(advertisedHost, siloPort, NextGeneration());
    }

    /// <summary>
    /// A generation larger than any this process handed out before and, across restarts, larger than the last
    /// incarnation's as long as the wall clock does not go back by more than the restart time.
    /// </summary>
    private static long NextGeneration()
    {
        while (true)
        {
            var last = Volatile.Read(ref _lastGeneration);
            var next = Math.Max(DateTime.UtcNow.Ticks, last + 1);
            if (Interlocked.CompareExchange(ref _lastGeneration, next, last) == last)
            {
                return next;
            }
        }
    }
}
