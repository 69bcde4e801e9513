namespace OrleansCache.Client.Feeds;

/// <summary>Turns Orleans' client connection signals into "may have missed an invalidation" for the consumer.</summary>
/// <remarks>
/// A gateway lost means batches routed through it may be lost; the cluster connection lost means every feed is out of
/// reach. Either makes every partition resynchronize: stop serving now, subscribe again (retrying until the cluster
/// answers), then revalidate (G3). A recovered connection needs nothing more: the resynchronizations started when it
/// was lost complete once it is back. Orleans also raises these while a client stops; a stopping consumer ignores them.
/// </remarks>
internal sealed class CacheConnectionObserver(InvalidationConsumer consumer) : IClusterConnectionStatusObserver
{
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            consumer.ResyncAll("gateway_lost");
        }
    }

    public void NotifyClusterConnectionLost() => consumer.ResyncAll("connection_lost");
}
