namespace OrleansCache.Core.Membership;

/// <summary>Where a client learns the gateways of its cluster, besides the ones configured (e.g. the membership table).</summary>
public interface IGatewayListProvider
{
    /// <summary>The <c>host:port</c> of every active gateway, as the provider knows them now.</summary>
    Task<IReadOnlyList<string>> GetGatewaysAsync(CancellationToken cancellationToken = default);
}
