using Microsoft.Extensions.Logging.Abstractions;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Membership;
using Xunit;

namespace OrleansCache.Runtime.Tests.Membership;

/// <summary>Failure detection on the table: who is declared dead, and when, as seen on an observer's own (manual) clock.</summary>
public sealed class FailureDetectionTests
{
    private static readonly MembershipOptions Options = new() { ProbeInterval = TimeSpan.FromSeconds(1), DeathTimeout = TimeSpan.FromSeconds(10) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ObserverThatCouldNotReadTheTable_DoesNotCountItsOwnGapAsTheOthersSilence()
    {
        // Found by the fault-injection runner: after two quick Redis restarts, a silo whose Redis client reconnected a
        // few seconds after the observer's was declared dead, having missed heartbeats only while Redis was down.
        var time = new ManualTimeProvider();
        var shared = new InMemoryMembershipTable();
        var observersTable = new BlindableMembershipTable(shared);
        var silentSilo = Silo(11111);
        await using var silent = await JoinAsync(shared, time, silentSilo);
        await using var observer = await JoinAsync(observersTable, time, Silo(22222));
        await silent.StopAsync(); // its heartbeats stop; its row stays Active

        observersTable.Blind = true;
        time.Advance(Options.DeathTimeout * 2);
        observersTable.Blind = false;
        await observer.RefreshAsync(Token);

        Assert.Equal(SiloStatus.Active, await StatusAsync(shared, silentSilo.Address));

        // Watching again, the observer still declares it dead once it has seen a death timeout of silence.
        for (var watched = TimeSpan.Zero; watched <= Options.DeathTimeout + Options.ProbeInterval; watched += Options.ProbeInterval)
        {
            time.Advance(Options.ProbeInterval);
            await observer.RefreshAsync(Token);
        }

        Assert.Equal(SiloStatus.Dead, await StatusAsync(shared, silentSilo.Address));
    }

    private static LocalSiloDetails Silo(int port)
    {
        var local = new LocalSiloDetails();
        local.Bind("127.0.0.1", port, port + 1);
        return local;
    }

    private static async Task<MembershipService> JoinAsync(IMembershipTable table, TimeProvider time, LocalSiloDetails local)
    {
        var service = new MembershipService(
            table,
            Microsoft.Extensions.Options.Options.Create(Options),
            Microsoft.Extensions.Options.Options.Create(new SiloOptions()),
            local,
            time,
            NullLogger<MembershipService>.Instance);
        await service.JoinAsync(Token);
        return service;
    }

    private static async Task<SiloStatus?> StatusAsync(InMemoryMembershipTable table, SiloAddress silo) =>
        (await table.ReadAllAsync(Token)).Entries.FirstOrDefault(e => e.Silo.Equals(silo))?.Status;
}
