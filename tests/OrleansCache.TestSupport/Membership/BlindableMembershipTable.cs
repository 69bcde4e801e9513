using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansCache.Core.Membership;

namespace OrleansCache.TestSupport.Membership;

/// <summary>
/// One silo's access to the shared membership table, which a test can make blind: its reads fail, as when that silo
/// cannot reach Redis for a while, while its heartbeats still land (so the others keep it as a member).
/// </summary>
public sealed class BlindableMembershipTable(IMembershipTable inner) : IMembershipTable
{
    private volatile bool _blind;
    private volatile bool _silent;

    /// <summary>
    /// Replaces the membership table registered in one silo's <paramref name="services"/> (the instance every silo of a
    /// test cluster shares) with a blindable view of it, for that silo alone.
    /// </summary>
    public static BlindableMembershipTable WrapRegistered(IServiceCollection services)
    {
        var shared = (IMembershipTable)services.Last(d => d.ServiceType == typeof(IMembershipTable)).ImplementationInstance!;
        var table = new BlindableMembershipTable(shared);
        services.RemoveAll<IMembershipTable>();
        services.AddSingleton<IMembershipTable>(table);
        return table;
    }

    /// <summary>Its reads fail.</summary>
    public bool Blind
    {
        get => _blind;
        set => _blind = value;
    }

    /// <summary>Its heartbeats fail too, as when the silo cannot reach Redis at all: the others declare it dead.</summary>
    public bool Silent
    {
        get => _silent;
        set => _silent = value;
    }

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _blind ? Task.FromException<MembershipSnapshot>(new TimeoutException("The membership table cannot be read (test fault).")) : inner.ReadAllAsync(cancellationToken);

    public Task<bool> TryInsertAsync(MembershipEntry entry, CancellationToken cancellationToken = default) => inner.TryInsertAsync(entry, cancellationToken);

    public Task<bool> TryUpdateAsync(MembershipEntry entry, string expectedETag, CancellationToken cancellationToken = default) => inner.TryUpdateAsync(entry, expectedETag, cancellationToken);

    public Task<bool> HeartbeatAsync(SiloAddress silo, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _silent ? Task.FromException<bool>(new TimeoutException("The membership table cannot be written (test fault).")) : inner.HeartbeatAsync(silo, now, cancellationToken);

    public Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => inner.DeleteDefunctAsync(olderThan, cancellationToken);

    public Task EnsureVersionAtLeastAsync(long version, CancellationToken cancellationToken = default) => inner.EnsureVersionAtLeastAsync(version, cancellationToken);
}
