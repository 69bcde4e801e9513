using OrleansCache.Core.Membership;
using Xunit;

namespace OrleansCache.TestSupport.Conformance;

/// <summary>
/// The contract every membership table keeps. Each implementation runs these through a thin subclass.
/// </summary>
public abstract class MembershipTableConformanceTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A new, empty table.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync();

    [Fact]
    public async Task Insert_NewSilo_AppearsInReadWithETagAndBumpsVersion()
    {
        var table = await CreateTableAsync();
        var before = await table.ReadAllAsync(TestContext.Current.CancellationToken);

        Assert.True(await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken));

        var after = await table.ReadAllAsync(TestContext.Current.CancellationToken);
        var row = Assert.Single(after.Entries);
        Assert.Equal(Entry(1).Silo, row.Silo);
        Assert.NotEmpty(row.ETag);
        Assert.True(after.Version > before.Version);
    }

    [Fact]
    public async Task Insert_SameIncarnationTwice_SecondFails()
    {
        var table = await CreateTableAsync();
        Assert.True(await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken));
        Assert.False(await table.TryInsertAsync(Entry(1) with { SiloName = "other" }, TestContext.Current.CancellationToken));
        Assert.Equal("silo-1", Assert.Single((await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries).SiloName);
    }

    [Fact]
    public async Task Update_WithCurrentETag_Succeeds_AndChangesETag()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);
        var row = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0];

        Assert.True(await table.TryUpdateAsync(row with { Status = SiloStatus.ShuttingDown }, row.ETag, TestContext.Current.CancellationToken));

        var updated = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0];
        Assert.Equal(SiloStatus.ShuttingDown, updated.Status);
        Assert.NotEqual(row.ETag, updated.ETag);
    }

    [Fact]
    public async Task Update_WithStaleETag_FailsAndChangesNothing()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);
        var row = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0];
        Assert.True(await table.TryUpdateAsync(row with { Status = SiloStatus.ShuttingDown }, row.ETag, TestContext.Current.CancellationToken));

        Assert.False(await table.TryUpdateAsync(row with { Status = SiloStatus.Dead }, row.ETag, TestContext.Current.CancellationToken));

        Assert.Equal(SiloStatus.ShuttingDown, (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0].Status);
    }

    [Fact]
    public async Task ConcurrentUpdates_FromSameRead_ExactlyOneWins()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);
        var row = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0];

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => table.TryUpdateAsync(row with { Status = SiloStatus.Dead }, row.ETag, TestContext.Current.CancellationToken))));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task Update_OfMissingRow_Fails()
    {
        var table = await CreateTableAsync();
        Assert.False(await table.TryUpdateAsync(Entry(9), "1", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Heartbeat_IncrementsCountAndTime_WithoutChangingETagOrVersion()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);
        var before = await table.ReadAllAsync(TestContext.Current.CancellationToken);

        Assert.True(await table.HeartbeatAsync(Entry(1).Silo, Now.AddSeconds(5), TestContext.Current.CancellationToken));
        Assert.True(await table.HeartbeatAsync(Entry(1).Silo, Now.AddSeconds(6), TestContext.Current.CancellationToken));

        var after = await table.ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Entries[0].ETag, after.Entries[0].ETag);
        Assert.Equal(before.Entries[0].HeartbeatCount + 2, after.Entries[0].HeartbeatCount);
        Assert.Equal(Now.AddSeconds(6), after.Entries[0].IAmAliveTime);
    }

    [Fact]
    public async Task Heartbeat_OfMissingRow_ReturnsFalse()
    {
        var table = await CreateTableAsync();
        Assert.False(await table.HeartbeatAsync(Entry(3).Silo, Now, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Update_KeepsHeartbeatFields_ThatOnlyHeartbeatMayChange()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);
        await table.HeartbeatAsync(Entry(1).Silo, Now.AddSeconds(5), TestContext.Current.CancellationToken);
        var row = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0];

        await table.TryUpdateAsync(row with { Status = SiloStatus.Dead, HeartbeatCount = 0, IAmAliveTime = Now }, row.ETag, TestContext.Current.CancellationToken);

        var updated = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries[0];
        Assert.Equal(row.HeartbeatCount, updated.HeartbeatCount);
        Assert.Equal(Now.AddSeconds(5), updated.IAmAliveTime);
    }

    [Fact]
    public async Task DeleteDefunct_RemovesOnlyOldDeadRows()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);
        await table.TryInsertAsync(Entry(2), TestContext.Current.CancellationToken);
        await table.TryInsertAsync(Entry(3), TestContext.Current.CancellationToken);
        foreach (var row in (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries.Where(e => e.Silo.Port != 3))
        {
            await table.TryUpdateAsync(row with { Status = SiloStatus.Dead }, row.ETag, TestContext.Current.CancellationToken);
        }

        await table.HeartbeatAsync(Entry(2).Silo, Now.AddHours(2), TestContext.Current.CancellationToken);

        Assert.Equal(1, await table.DeleteDefunctAsync(Now.AddHours(1), TestContext.Current.CancellationToken));
        var left = (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Entries.Select(e => e.Silo.Port).Order();
        Assert.Equal([2, 3], left);
    }

    [Fact]
    public async Task EnsureVersionAtLeast_RaisesButNeverLowers()
    {
        var table = await CreateTableAsync();
        await table.TryInsertAsync(Entry(1), TestContext.Current.CancellationToken);

        await table.EnsureVersionAtLeastAsync(50, TestContext.Current.CancellationToken);
        Assert.Equal(50, (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Version);
        await table.EnsureVersionAtLeastAsync(10, TestContext.Current.CancellationToken);
        Assert.Equal(50, (await table.ReadAllAsync(TestContext.Current.CancellationToken)).Version);

        await table.TryInsertAsync(Entry(2), TestContext.Current.CancellationToken);
        Assert.True((await table.ReadAllAsync(TestContext.Current.CancellationToken)).Version > 50);
    }

    private static MembershipEntry Entry(int n) => new()
    {
        Silo = new SiloAddress("127.0.0.1", n, 100 + n),
        SiloName = $"silo-{n}",
        GatewayEndPoint = $"127.0.0.1:{30000 + n}",
        Status = SiloStatus.Active,
        StartTime = Now,
        IAmAliveTime = Now,
    };
}
