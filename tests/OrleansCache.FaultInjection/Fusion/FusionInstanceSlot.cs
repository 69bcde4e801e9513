using System.Globalization;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Peers;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// A place for one FusionCache application instance: its own way to Redis (a proxy the runner can cut) and the
/// instance there now, which an instance kill replaces.
/// </summary>
internal sealed class FusionInstanceSlot(int index, HoldingTcpProxy proxy, string cacheName, FusionChangeOrder order) : IAsyncDisposable
{
    private volatile FusionCacheClient? _current;

    public int Index { get; } = index;

    /// <summary>Every Redis connection of the instance in this slot goes through it.</summary>
    public HoldingTcpProxy Proxy { get; } = proxy;

    public FusionCacheClient Current => _current ?? throw new InvalidOperationException($"{this} has no instance.");

    /// <summary>
    /// Disposes the instance here, if any, at once (operations in flight fail, its L1 and anything it had queued for
    /// Redis are gone), then starts a new one numbered <paramref name="number"/> with an empty L1.
    /// </summary>
    public async Task ReplaceAsync(int number, CancellationToken cancellationToken)
    {
        _current?.Node.Dispose();
        var node = await FusionCacheNode.WithOwnConnectionAsync(Proxy.ConnectionString, cacheName, cancellationToken).ConfigureAwait(false);
        _current = new FusionCacheClient(number, node, order);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"instance slot {Index}");

    public async ValueTask DisposeAsync()
    {
        _current?.Node.Dispose();
        await Proxy.DisposeAsync().ConfigureAwait(false);
    }
}
