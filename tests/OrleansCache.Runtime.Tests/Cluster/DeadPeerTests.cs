using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Core;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Logging;
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
        var (cluster, secondSilosTable) = await StartWithBlindableSecondSiloAsync();
        await using var stopsTheCluster = cluster;
        var a = cluster.Silos[0];
        var b = cluster.Silos[1];
        var client = await cluster.CreateClientAsync(gateway: a, cancellationToken: Token);
        var gate = $"gate:{Guid.NewGuid():N}";
        var call = client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(b)).WaitAtGateAsync(gate);
        await GrainProbe.Gate(gate).Entered.Task.WaitAsync(Clusters.Timeout, Token);

        try
        {
            await CutOffAsync(a, b, secondSilosTable);

            // The call (forwarded by A to B) fails now, as after a crash (its outcome unknown), not after its 5-minute timeout.
            var failed = await Assert.ThrowsAsync<ClusterUnavailableException>(() => call.WaitAsync(Clusters.Timeout, Token));
            Assert.Contains("may or may not have run", failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            GrainProbe.Gate(gate).Released.TrySetResult();
        }
    }

    [Fact]
    public async Task CallForwardedByASiloDeclaredDead_IsRefused_AndNeverRuns()
    {
        // Found by the fault-injection runner: a silo cut off by a partition, declared dead but not aware of it yet,
        // forwarded a client's Set it had held through the partition once the link healed; the key's owner ran it after
        // a bridge message had invalidated the key (the client had long sent the Set again elsewhere), so the value
        // came back.
        using var logs = new CapturedLogs();
        var (cluster, secondSilosTable) = await StartWithBlindableSecondSiloAsync(logs);
        await using var stopsTheCluster = cluster;
        var a = cluster.Silos[0];
        var b = cluster.Silos[1];
        var viaB = await cluster.CreateClientAsync(gateway: b, cancellationToken: Token);
        var key = cluster.KeyOwnedBy<ISequenceGrain>(a);

        await CutOffAsync(a, b, secondSilosTable);

        // B, not knowing, forwards the call to A and keeps trying (until the call's deadline, or until it learns it is
        // dead and stops); A refuses each attempt and never runs it.
        var call = viaB.GetGrain<ISequenceGrain>(key).NextAsync();
        await logs.WhenAsync(entries => entries.Any(e => e.Contains($"forwarded by silo {b.Address}: the cluster declared it dead", StringComparison.Ordinal)), Clusters.Timeout);
        Assert.Empty(GrainProbe.For(key).Activations);
        Assert.False(call.IsCompletedSuccessfully);

        // Once B reaches the table again (the partition heals) it finds itself dead and stops; the call it kept retrying
        // ends then, not at its 5-minute deadline, which would hold B's stop up until its shutdown timeout (seen in the
        // soak).
        secondSilosTable.Silent = false;
        secondSilosTable.Blind = false;
        await Assert.ThrowsAnyAsync<OrleansCacheException>(() => call.WaitAsync(TimeSpan.FromSeconds(15), Token));
        Assert.Empty(GrainProbe.For(key).Activations);
    }

    /// <summary>Two silos; the second reads and writes the shared membership table through a wrapper the test can blind.</summary>
    private static async Task<(TestCluster Cluster, BlindableMembershipTable SecondSilosTable)> StartWithBlindableSecondSiloAsync(CapturedLogs? logs = null)
    {
        BlindableMembershipTable? secondSilosTable = null;
        var configured = 0;
        var cluster = await Clusters.StartAsync(silos: 2, o =>
        {
            o.ConfigureClient = c => c.ResponseTimeout = TimeSpan.FromMinutes(5);
            if (logs is not null)
            {
                o.LoggerFactory = logs.CreateFactory();
            }

            o.ConfigureSilo = s =>
            {
                s.Services.Configure<SiloMessagingOptions>(m => m.CallTimeout = TimeSpan.FromMinutes(5));
                if (++configured == 2)
                {
                    secondSilosTable = BlindableMembershipTable.WrapRegistered(s.Services);
                }
            };
        });
        return (cluster, secondSilosTable!);
    }

    /// <summary>B can neither heartbeat nor read the table: A declares it dead; B does not learn it and keeps running.</summary>
    private static async Task CutOffAsync(TestSilo a, TestSilo b, BlindableMembershipTable bsTable)
    {
        bsTable.Silent = true;
        bsTable.Blind = true;
        await a.WaitForViewAsync(v => v.Dead.Contains(b.Address), Clusters.Timeout, Token);
    }
}
