using System.Text.Json;
using OrleansCache.Core.Membership;
using StackExchange.Redis;

namespace OrleansCache.Redis.Client;

/// <summary>
/// How the membership table lies in Redis: one hash per cluster, <c>{prefix}membership</c>, with fields <c>version</c>,
/// <c>etagseq</c>, and per silo <c>row:S</c> (JSON), <c>etag:S</c>, <c>hbc:S</c> and <c>hbt:S</c>. Shared by the silos'
/// table and the clients' gateway list, so both read it alike.
/// </summary>
internal static class RedisMembershipLayout
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The default key prefix of a cluster.</summary>
    public static string DefaultPrefix(string clusterId) => $"orleanscache:{clusterId}:";

    public static RedisKey Hash(string keyPrefix) => keyPrefix + "membership";

    public static string RowJson(MembershipEntry entry) =>
        JsonSerializer.Serialize(new Row(entry.SiloName, entry.GatewayEndPoint, entry.Status, entry.StartTime), Json);

    /// <summary>Reads a snapshot from the hash's fields.</summary>
    public static MembershipSnapshot Parse(HashEntry[] fields)
    {
        var values = fields.ToDictionary(f => (string)f.Name!, f => f.Value, StringComparer.Ordinal);
        var version = values.TryGetValue("version", out var v) ? (long)v : 0;
        var entries = new List<MembershipEntry>();
        foreach (var (name, value) in values)
        {
            if (!name.StartsWith("row:", StringComparison.Ordinal))
            {
                continue;
            }

            var silo = name["row:".Length..];
            var row = JsonSerializer.Deserialize<Row>((string)value!, Json)!;
            entries.Add(new MembershipEntry
            {
                Silo = SiloAddress.Parse(silo),
                SiloName = row.Name,
                GatewayEndPoint = row.Gateway,
                Status = row.Status,
                StartTime = row.Started,
                ETag = values.TryGetValue("etag:" + silo, out var etag) ? (string)etag! : string.Empty,
                HeartbeatCount = values.TryGetValue("hbc:" + silo, out var count) ? (long)count : 0,
                IAmAliveTime = values.TryGetValue("hbt:" + silo, out var alive) ? DateTimeOffset.FromUnixTimeMilliseconds((long)alive) : row.Started,
            });
        }

        return new MembershipSnapshot(version, entries);
    }

    private sealed record Row(string Name, string? Gateway, SiloStatus Status, DateTimeOffset Started);
}
