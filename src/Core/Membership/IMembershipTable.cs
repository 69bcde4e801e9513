namespace OrleansCache.Core.Membership;

/// <summary>
/// The cluster's membership table: the one place silos agree on who is in the cluster.
/// </summary>
/// <remarks>
/// Storage-neutral and compare-and-set based: every status change names the row's ETag it read, and fails if the row
/// changed since, so two silos never overwrite each other's decision. Implementations: in memory (one process) and
/// Redis (many processes). Every implementation must pass the membership conformance suite.
/// </remarks>
public interface IMembershipTable
{
    /// <summary>Reads every row and the table version, consistently.</summary>
    Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a row for a new silo incarnation; false if a row for that incarnation already exists.</summary>
    Task<bool> TryInsertAsync(MembershipEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a row if its ETag still equals <paramref name="expectedETag"/>; false if it changed or is gone.
    /// The heartbeat fields of <paramref name="entry"/> are ignored: heartbeats only change through <see cref="HeartbeatAsync"/>.
    /// </summary>
    Task<bool> TryUpdateAsync(MembershipEntry entry, string expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Records a heartbeat: increments the row's heartbeat count and sets its alive time. Does not change the ETag.</summary>
    /// <returns>False if the silo has no row.</returns>
    Task<bool> HeartbeatAsync(SiloAddress silo, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes rows of dead silos whose last heartbeat is older than <paramref name="olderThan"/>.</summary>
    /// <returns>How many rows were removed.</returns>
    Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raises the table version to at least <paramref name="version"/> (never lowers it). Silos call it when they find
    /// the table emptied (storage lost its data), because activation epochs, and so cache versions, are built on it and
    /// must never go backwards.
    /// </summary>
    Task EnsureVersionAtLeastAsync(long version, CancellationToken cancellationToken = default);
}
