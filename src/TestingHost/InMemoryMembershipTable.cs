using System.Globalization;
using Orleans.Messaging;

namespace OrleansCache.TestingHost;

/// <summary>
/// The membership table the silos of one test cluster share in memory, and the gateway list its clients read.
/// </summary>
/// <remarks>
/// Orleans' development clustering keeps the table in its primary silo, so killing that silo ends the cluster; Orleans'
/// in-memory table for tests is internal to its own test cluster. This one lives outside every silo, so any silo can be
/// stopped or killed and the others carry on, as with Redis or a database in production. It follows the table contract
/// Orleans' providers implement: rows and the table version are compare-and-set on their ETags.
/// </remarks>
internal sealed class InMemoryMembershipTable : IMembershipTable, IGatewayListProvider
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, (MembershipEntry Entry, string ETag)> _rows = [];
    private TableVersion _version;
    private long _etags;

    public InMemoryMembershipTable()
    {
        _version = new TableVersion(0, NextETag());
    }

    public TimeSpan MaxStaleness => TimeSpan.Zero;

    public bool IsUpdatable => true;

    public Task InitializeMembershipTable(bool tryInitTableVersion) => Task.CompletedTask;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task DeleteMembershipTableEntries(string clusterId)
    {
        lock (_lock)
        {
            _rows.Clear();
        }

        return Task.CompletedTask;
    }

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        lock (_lock)
        {
            foreach (var (silo, (entry, _)) in _rows.ToList())
            {
                if (entry.Status != SiloStatus.Active && new DateTime(Math.Max(entry.IAmAliveTime.Ticks, entry.StartTime.Ticks), DateTimeKind.Utc) < beforeDate)
                {
                    _rows.Remove(silo);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.TryGetValue(key, out var row)
                ? new MembershipTableData(Tuple.Create(Copy(row.Entry), row.ETag), _version)
                : new MembershipTableData(_version));
        }
    }

    public Task<MembershipTableData> ReadAll()
    {
        lock (_lock)
        {
            return Task.FromResult(new MembershipTableData([.. _rows.Values.Select(r => Tuple.Create(Copy(r.Entry), r.ETag))], _version));
        }
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        lock (_lock)
        {
            if (_rows.ContainsKey(entry.SiloAddress) || _version.VersionEtag != tableVersion.VersionEtag)
            {
                return Task.FromResult(false);
            }

            _rows[entry.SiloAddress] = (Copy(entry), NextETag());
            _version = new TableVersion(tableVersion.Version, NextETag());
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(entry.SiloAddress, out var row) || row.ETag != etag || _version.VersionEtag != tableVersion.VersionEtag)
            {
                return Task.FromResult(false);
            }

            _rows[entry.SiloAddress] = (Copy(entry), NextETag());
            _version = new TableVersion(tableVersion.Version, NextETag());
            return Task.FromResult(true);
        }
    }

    public Task UpdateIAmAlive(MembershipEntry entry)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(entry.SiloAddress, out var row))
            {
                var updated = Copy(row.Entry);
                updated.IAmAliveTime = entry.IAmAliveTime;
                _rows[entry.SiloAddress] = (updated, NextETag());
            }
        }

        return Task.CompletedTask;
    }

    public Task<IList<Uri>> GetGateways()
    {
        lock (_lock)
        {
            IList<Uri> gateways = [.. _rows.Values
                .Where(r => r.Entry.Status == SiloStatus.Active && r.Entry.ProxyPort != 0)
                .Select(r => SiloAddress.New(r.Entry.SiloAddress.Endpoint.Address, r.Entry.ProxyPort, r.Entry.SiloAddress.Generation).ToGatewayUri())];
            return Task.FromResult(gateways);
        }
    }

    private string NextETag() => (++_etags).ToString(CultureInfo.InvariantCulture);

    private static MembershipEntry Copy(MembershipEntry entry) => new()
    {
        SiloAddress = entry.SiloAddress,
        Status = entry.Status,
        SuspectTimes = entry.SuspectTimes is null ? null : [.. entry.SuspectTimes],
        ProxyPort = entry.ProxyPort,
        HostName = entry.HostName,
        SiloName = entry.SiloName,
        RoleName = entry.RoleName,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
    };
}
