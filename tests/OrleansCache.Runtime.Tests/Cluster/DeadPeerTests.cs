using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Membership;
using Xunit;

namespace OrleansCache.Runtime.Tests.Cluster;

/// <summary>What the others do about a silo the cluster declared dead while it still runs (cut off from the table).</summary>
public sealed class DeadPeerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallWaitingOnASiloDeclaredDead_FailsAtOnce_NotAtItsTimeout()
    {
        // Seen in a fault-injection run: a silo declared dead (it stops itself once it learns so) was kept waiting ~27 s
        // for a peer to hang up, because the peer kept its connection open for a call until that call timed out.
        BlindableMembershipTable? secondSilosTable = null;
        var configured = 0;
        await using var cluster = await Clusters.StartAsync(silos: 2, o =>
        {
            o.ConfigureClient = c => c.ResponseTimeout = TimeSpan.FromMinutes(5);
            o.ConfigureSilo = s =>
            {
                s.Services.Configure<SiloMessagingOptions>(m => m.CallTimeout = TimeSpan.FromMinutes(5));
                if (++configured == 2)
                {
                    var shared = (IMembershipTable)s.Services.Last(d => d.ServiceType == typeof(IMembershipTable)).ImplementationInstance!;
                    secondSilosTable = new BlindableMembershipTable(shared);
                    s.Services.RemoveAll<IMembershipTable>();
                    s.Services.AddSingleton<IMembershipTable>(secondSilosTable);
                }
            };
        });
        var a = cluster.Silos[0];
        var b = cluster.Silos[1];
        var client = await cluster.CreateClientAsync(gateway: a, cancellationToken: Token);
        var gate = $"gate:{Guid.NewGuid():N}";
        var call = client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(b)).WaitAtGateAsync(gate);
        await GrainProbe.Gate(gate).Entered.Task.WaitAsync(Clusters.Timeout, Token);

        try
        {
            // B can neither heartbeat nor read the table: A declares it dead; B does not learn it and keeps running.
            secondSilosTable!.Silent = true;
            secondSilosTable.Blind = true;
            await a.WaitForViewAsync(v => v.Snapshot.Entries.Any(e => e.Silo.Equals(b.Address) && e.Status == SiloStatus.Dead), Clusters.Timeout, Token);

            // The call (forwarded by A to B) fails now, as after a crash (its outcome unknown), not after its 5-minute timeout.
            var failed = await Assert.ThrowsAsync<ClusterUnavailableException>(() => call.WaitAsync(Clusters.Timeout, Token));
            Assert.Contains("may or may not have run", failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            GrainProbe.Gate(gate).Released.TrySetResult();
        }
    }
}
