using System.Globalization;
using OrleansCache.Core.Membership;

namespace OrleansCache.Runtime.Membership;

/// <summary>
/// A membership table in this process's memory: the default for a single silo, and shared by the silos of an
/// in-process test cluster. Share one instance between silos to put them in one cluster.
/// </summary>
/// <remarks>Thread-safe; every operation is atomic under one lock.</remarks>
public sealed class InMemoryMembershipTable : IMembershipTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, MembershipEntry> _rows = [];
    private long _version;
    private long _nextETag;

    /// <inheritdoc />
    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(new MembershipSnapshot(_version, [.. _rows.Values]));
        }
    }

    /// <inheritdoc />
    public Task<bool> TryInsertAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_rows.ContainsKey(entry.Silo))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = entry with { ETag = NextETag(), HeartbeatCount = 0 };
            _version++;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryUpdateAsync(MembershipEntry entry, string expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (!_rows.TryGetValue(entry.Silo, out var current) || !string.Equals(current.ETag, expectedETag, StringComparison.Ordinal))
            {
                return Task.FromResult(false);
            }

            _rows[entry.Silo] = entry with
            {
                ETag = NextETag(),
                HeartbeatCount = current.HeartbeatCount,
                IAmAliveTime = current.IAmAliveTime,
            };
            _version++;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> HeartbeatAsync(SiloAddress silo, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        lock (_lock)
        {
            if (!_rows.TryGetValue(silo, out var current))
            {
                return Task.FromResult(false);
            }

            _rows[silo] = current with { HeartbeatCount = current.HeartbeatCount + 1, IAmAliveTime = now };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var defunct = _rows.Values.Where(e => e.Status == SiloStatus.Dead && e.IAmAliveTime < olderThan).Select(e => e.Silo).ToList();
            foreach (var silo in defunct)
            {
                _rows.Remove(silo);
            }

            if (defunct.Count > 0)
            {
                _version++;
            }

            return Task.FromResult(defunct.Count);
        }
    }

    /// <inheritdoc />
    public Task EnsureVersionAtLeastAsync(long version, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _version = Math.Max(_version, version);
            return Task.CompletedTask;
        }
    }

    private string NextETag() => (++_nextETag).ToString(CultureInfo.InvariantCulture);
}
