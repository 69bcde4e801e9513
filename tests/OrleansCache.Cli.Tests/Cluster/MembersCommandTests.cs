using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

public sealed class MembersCommandTests
{
    [Fact]
    public async Task Members_ListsThreeSilos_ThenTwoAfterOneIsKilled_AndTheDeadOneWithAll()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 3, cancellationToken: TestContext.Current.CancellationToken);
        var victim = cluster.Silos[2];
        // Through the silos that survive: the tool must still reach the cluster after the kill.
        var connection = Tool.Connect(cluster.Options.ClusterId, cluster.Silos[0].GatewayEndPoint, cluster.Silos[1].GatewayEndPoint);

        var before = await Tool.RunAsync([.. connection, "members"]);
        var beforeJson = await Tool.RunAsync([.. connection, "members", "--json"]);
        await cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        await cluster.WaitForStableViewAsync(cancellationToken: TestContext.Current.CancellationToken);
        var after = await Tool.RunAsync([.. connection, "members"]);
        var withDead = await Tool.RunAsync([.. connection, "members", "--all", "--json"]);

        Assert.Equal(0, before.ExitCode);
        Assert.StartsWith("ADDRESS", before.OutLines[0], StringComparison.Ordinal);
        Assert.Equal(3, before.OutLines.Count(l => l.Contains(" Active ", StringComparison.Ordinal)));
        Assert.Equal("3 silos: 3 Active", before.OutLines[^1]);
        Assert.Contains(before.OutLines, l => l.StartsWith(victim.Address.ToString(), StringComparison.Ordinal));

        using (var json = JsonDocument.Parse(beforeJson.Out))
        {
            var members = json.RootElement.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(3, members.Count);
            Assert.All(members, m => Assert.Equal("active", m.GetProperty("status").GetString()));
            Assert.All(members, m => Assert.True(m.GetProperty("activations").GetInt32() >= 0));
            Assert.All(members, m => Assert.True(m.GetProperty("generation").GetInt64() > 0));
            Assert.Equal(cluster.Silos.Select(s => s.Name).Append(victim.Name).Order(), members.Select(m => m.GetProperty("name").GetString()).Order());
        }

        Assert.Equal(0, after.ExitCode);
        Assert.Equal("2 silos: 2 Active", after.OutLines[^1]);
        Assert.Equal(4, after.OutLines.Count);
        Assert.DoesNotContain(after.OutLines, l => l.StartsWith(victim.Address.ToString(), StringComparison.Ordinal));

        using var all = JsonDocument.Parse(withDead.Out);
        var listed = all.RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(3, listed.Count);
        var dead = Assert.Single(listed, m => m.GetProperty("status").GetString() == "dead");
        Assert.Equal(victim.Address.ToString(), dead.GetProperty("address").GetString());
        Assert.Equal(JsonValueKind.Null, dead.GetProperty("activations").ValueKind);
    }
}
