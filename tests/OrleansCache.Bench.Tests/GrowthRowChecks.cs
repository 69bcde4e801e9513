using Xunit;

namespace OrleansCache.Bench.Tests;

/// <summary>P11's rows in a tiny run (sizes 200 and 1,000, P4 at 1 and 2 clients): each figure against the smallest's, with its verdict.</summary>
internal static class GrowthRowChecks
{
    public static void AssertGrowthRows(IReadOnlyList<TableRow> rows)
    {
        var growth = rows.Where(r => r.Id == "P11").ToList();
        AssertRow(growth, "near-cache hit, 1,000 entries, 1 thread", "the same at 200 entries", "ns/op", "≤ 2×");
        AssertRow(growth, "profile: ConcurrentDictionary lookup, 1,000 entries, 1 thread", "the same at 200 entries", "ns/op", "—");
        AssertRow(growth, "near-cache miss, 1,000 entries, p50", "the same at 200 entries", "µs", "≤ 2×");
        AssertRow(growth, "near-cache miss, 1,000 entries, p99", "the same at 200 entries", "µs", "—");

        // P4's growth is read from P4's own p99 rows against Redis pub/sub, at the run's most and fewest receivers.
        var invalidation = AssertRow(growth, "write → invalidation applied p99, 2 clients (P4)", "the same at 1 client", "µs", "≤ 2×");
        var p4 = rows.Where(r => r.Id == "P4" && r.PeerName.StartsWith("Redis PUBLISH", StringComparison.Ordinal) && r.What.Contains(", p99", StringComparison.Ordinal)).ToList();
        Assert.Equal(p4.Single(r => r.What.Contains(" 2 clients,", StringComparison.Ordinal)).Ours, invalidation.Ours);
        Assert.Equal(p4.Single(r => r.What.Contains(" 1 client,", StringComparison.Ordinal)).Ours, invalidation.Peer);
        AssertRow(growth, "profile: Redis PUBLISH → subscribers p99, 2 clients (P4)", "the same at 1 client", "µs", "—");
        Assert.Equal(6, growth.Count);
    }

    private static TableRow AssertRow(List<TableRow> rows, string what, string peer, string unit, string target)
    {
        var row = Assert.Single(rows, r => r.What == what);
        Assert.Equal(peer, row.PeerName);
        Assert.Equal(unit, row.Unit);
        Assert.Equal(target, row.Target);
        Assert.Equal(row.Ours / row.Peer, row.Ratio, 6);
        Assert.Equal(target != "—", row.Met is not null);
        return row;
    }
}
