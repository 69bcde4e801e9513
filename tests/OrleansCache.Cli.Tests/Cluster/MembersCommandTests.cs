using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

public sealed class MembersCommandTests
{
    [Fact]
    public async Task Members_ListsThreeSilos_ThenTwoAfterOneIsStopped_AndTheDeadOneWithAll()
    {
        await using var cluster = await OrleansCacheTestCluster.StartAsync(silos: 3, cancellationToken: TestContext.Current.CancellationToken);
        var silos = cluster.Silos.ToArray();
        var victim = silos[2];
        var survivors = silos.Take(2).ToArray();
        // Through the silos that stay: the tool must still reach the cluster after the stop.
        var connection = Tool.Connect(cluster, [.. survivors.Select(s => s.GatewayAddress.Endpoint.ToString())]);
        await cluster.Cache.SetAsync(ClusterFixture.Key(), "an entry", cancellationToken: TestContext.Current.CancellationToken);

        var before = await Tool.RunAsync([.. connection, "members"]);
        var beforeJson = await Tool.RunAsync([.. connection, "members", "--json"]);
        await cluster.StopSiloAsync(victim, TestContext.Current.CancellationToken);
        var after = await Tool.RunAsync([.. connection, "members"]);
        var withDead = await Tool.RunAsync([.. connection, "members", "--all", "--json"]);

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Equal(["ADDRESS", "NAME", "STATUS", "GATEWAY", "STARTED", "CACHE", "ENTRIES", "ACTIVATIONS"], before.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, before.OutLines.Count(l => l.Contains(" Active ", StringComparison.Ordinal)));
        Assert.Equal("3 silos: 3 Active", before.OutLines[^1]);
        Assert.Contains(before.OutLines, l => l.StartsWith(victim.SiloAddress.ToParsableString(), StringComparison.Ordinal));

        using (var json = JsonDocument.Parse(beforeJson.Out))
        {
            Assert.Equal(cluster.ClusterId, json.RootElement.GetProperty("clusterId").GetString());
            var members = json.RootElement.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(3, members.Count);
            Assert.All(members, m => Assert.Equal("active", m.GetProperty("status").GetString()));
            Assert.All(members, m => Assert.True(m.GetProperty("activations").GetInt32() > 0));
            Assert.All(members, m => Assert.True(m.GetProperty("cacheEntryActivations").GetInt32() >= 0));
            Assert.All(members, m => Assert.Matches(@"^127\.0\.0\.1:\d+$", m.GetProperty("gateway").GetString()));
            Assert.Equal(silos.Select(s => s.SiloAddress.ToParsableString()).Order(), members.Select(m => m.GetProperty("address").GetString()).Order());
            Assert.Equal(silos.Select(s => s.Name).Order(), members.Select(m => m.GetProperty("name").GetString()).Order());
        }

        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("2 silos: 2 Active", after.OutLines[^1]);
        Assert.Equal(4, after.OutLines.Count);
        Assert.DoesNotContain(after.OutLines, l => l.StartsWith(victim.SiloAddress.ToParsableString(), StringComparison.Ordinal));

        using var all = JsonDocument.Parse(withDead.Out);
        var listed = all.RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(3, listed.Count);
        var dead = Assert.Single(listed, m => m.GetProperty("status").GetString() == "dead");
        Assert.Equal(victim.SiloAddress.ToParsableString(), dead.GetProperty("address").GetString());
        Assert.Equal(JsonValueKind.Null, dead.GetProperty("activations").ValueKind);
    }
}
