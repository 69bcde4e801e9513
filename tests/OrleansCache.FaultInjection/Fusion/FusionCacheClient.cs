using System.Globalization;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.Peers;

namespace OrleansCache.FaultInjection.Fusion;

/// <summary>
/// One FusionCache application instance as the workload drives it: reads through L1 (then L2), writes and removals
/// through FusionCache's own calls (L1, Redis L2, backplane), and pattern invalidations as <c>RemoveByTag</c> of the
/// key's group, the tag every entry is written with.
/// </summary>
internal sealed class FusionCacheClient(int number, FusionCacheNode node, FusionChangeOrder order) : IWorkloadClient
{
    public int Number { get; } = number;

    public FusionCacheNode Node { get; } = node;

    public async Task<WorkloadRead> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var stored = await Node.Cache.TryGetAsync<string>(key, token: cancellationToken).ConfigureAwait(false);
        if (!stored.HasValue)
        {
            // FusionCache keeps nothing of a removed key, so a miss cannot say which removal it reflects: not judged.
            return new WorkloadRead(false, null, null);
        }

        var (value, version) = FusionValue.Decode(stored.Value);
        return new WorkloadRead(true, value, version);
    }

    public Task<CacheVersion> WriteAsync(string key, string value, CancellationToken cancellationToken) =>
        order.ChangeAsync(key, id => Node.Cache.SetAsync(key, FusionValue.Encode(id, value), tags: [GroupOf(key)], token: cancellationToken).AsTask(), cancellationToken);

    public Task<CacheVersion> InvalidateAsync(string key, CancellationToken cancellationToken) =>
        order.ChangeAsync(key, _ => Node.Cache.RemoveAsync(key, token: cancellationToken).AsTask(), cancellationToken);

    public Task InvalidateByPatternAsync(string pattern, CancellationToken cancellationToken) =>
        Node.Cache.RemoveByTagAsync(GroupOf(pattern), token: cancellationToken).AsTask();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FusionCache instance {Number}");

    /// <summary><c>grp0:3</c> and <c>grp0:*</c> are both of group (tag) <c>grp0</c>.</summary>
    private static string GroupOf(string keyOrPattern) => keyOrPattern[..keyOrPattern.IndexOf(':', StringComparison.Ordinal)];
}
