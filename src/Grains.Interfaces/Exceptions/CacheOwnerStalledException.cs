namespace OrleansCache;

/// <summary>
/// The silo holding the entry stood still (a paused process or VM) long enough that the cluster may have declared it
/// dead and moved the entry elsewhere, and it could not confirm from the cluster's membership that it is still a
/// member. It answered nothing from memory; sending the call again reaches the entry's current owner once the cluster
/// has settled. The cache client does so within its retry timeout.
/// </summary>
[GenerateSerializer, Alias("oc.CacheOwnerStalledException")]
public sealed class CacheOwnerStalledException : OrleansCacheException
{
    /// <summary>Creates the exception.</summary>
    public CacheOwnerStalledException() { }

    /// <summary>Creates the exception with a message.</summary>
    public CacheOwnerStalledException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CacheOwnerStalledException(string message, Exception innerException) : base(message, innerException) { }
}
