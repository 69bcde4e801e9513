using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// One canonical bridge message invalidating its own key, which held a value at <see cref="Before"/> when it was sent.
/// The key is touched by nothing else, so each application is one new version of it.
/// </summary>
/// <param name="Id">The message_id.</param>
/// <param name="Key">The key it invalidates.</param>
/// <param name="Path">How it is sent.</param>
/// <param name="Before">The version of the value it invalidates.</param>
internal sealed record BridgeMessageRecord(string Id, string Key, BridgePath Path, CacheVersion Before)
{
    private readonly HashSet<CacheVersion> _heard = [];

    /// <summary>When the write of the value it invalidates began.</summary>
    public TimeSpan Started { get; init; }

    /// <summary>When PUBLISH or XADD returned.</summary>
    public TimeSpan Sent { get; set; }

    /// <summary>For pub/sub: how many subscribers Redis delivered it to.</summary>
    public long Receivers { get; set; }

    /// <summary>How many times it was applied, from the key's final version (set by the checker's read-back).</summary>
    public int Applied { get; set; }

    /// <summary>How many distinct invalidations of the key a broadcast listener heard after <see cref="Before"/>.</summary>
    public int Heard
    {
        get
        {
            lock (_heard)
            {
                return _heard.Count;
            }
        }
    }

    public void Hear(CacheVersion version)
    {
        if (version > Before)
        {
            lock (_heard)
            {
                _heard.Add(version);
            }
        }
    }
}
