using OrleansCache.Core.Management;

namespace OrleansCache.Runtime.Management;

/// <summary>
/// Something on a silo that refuses inbound messages and remembers the last few it refused (e.g. the Redis bridge), so
/// the management grain can show them to operators. Register as a singleton; every registered one is asked.
/// </summary>
internal interface IRecentRejections
{
    /// <summary>The last few rejections, newest first, bounded; <see cref="RejectedMessage.Silo"/> is filled in by the caller.</summary>
    IReadOnlyList<RejectedMessage> Recent();
}
