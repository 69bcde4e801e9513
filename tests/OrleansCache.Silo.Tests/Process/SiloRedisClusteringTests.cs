using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Http;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using OrleansCache.TestSupport.Redis;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Silo.Tests.Process;

/// <summary>
/// Silo processes forming one cluster through Orleans' Redis clustering, as an ACL user of Redis; <c>--redis</c> alone
/// also starts the invalidation bridge on its default channel.
/// </summary>
public sealed class SiloRedisClusteringTests
{
    private const string User = "orleanscache";
    private const string Password = "redis-acl-password-never-logged";

    [Fact]
    public async Task SilosOnRedis_AsAnAclUser_FormOneCluster_RunTheBridge_AndAKilledSiloIsDeclaredDeadWithinSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync();
        await RedisCliAsync(redis.Port, "ACL", "SETUSER", User, "on", $">{Password}", "~*", "&*", "+@all");
        await RedisCliAsync(redis.Port, "--user", User, "--pass", Password, "ACL", "SETUSER", "default", "off");

        var clusterId = $"redis-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string> { ["ORLEANSCACHE_Redis__Password"] = Password };
        var httpPort = FreePorts.Take();
        string[] common = ["--cluster-id", clusterId, "--redis", redis.ConnectionString, "--redis-user", User];
        await using var first = await SiloProcess.StartAsync(environment, [.. common, "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take()), "--http", "true", "--http-port", Text(httpPort)]);
        await using var second = await SiloProcess.StartAsync(environment, [.. common, "--silo-port", Text(FreePorts.Take()), "--gateway-port", Text(FreePorts.Take())]);
        var endPoint = $"127.0.0.1:{Text(httpPort)}";
        await MembersAsync(endPoint, m => m.Count(x => x.Status == "Active") == 2, "both silos active", ct);

        var writer = await Clients.StartAsync(second.Gateway, clusterId);
        var reader = await Clients.StartAsync(first.Gateway, clusterId);
        try
        {
            await writer.Cache().SetAsync("redis:1", "through Redis membership", cancellationToken: ct);
            Assert.Equal("through Redis membership", await reader.Cache().GetAsync<string>("redis:1", ct));

            // The bridge is on with --redis alone: a redis-cli publisher on the default channel drops the reader's copy.
            var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            reader.Cache().Invalidated += (_, e) =>
            {
                if (e.Target == "redis:1")
                {
                    dropped.TrySetResult();
                }
            };
            await Eventually.TrueAsync(
                async () => await PublishAsync(redis.Port, "cache:invalidate", """{"action":"delete","entity_type":"redis","entity_id":"1"}""") > 0,
                "a silo subscribed to cache:invalidate",
                cancellationToken: ct);
            await dropped.Task.WaitAsync(Clients.Timeout, ct);
            Assert.False((await reader.Cache().TryGetAsync<string>("redis:1", ct)).Found, "the bridge's delete removed the entry");
        }
        finally
        {
            await writer.StopQuietlyAsync();
            await reader.StopQuietlyAsync();
        }

        // kill -9: no goodbye; the survivor's probes (UseFastFailureDetection) must declare it dead.
        var killed = Stopwatch.StartNew();
        await second.KillAsync();
        await MembersAsync(endPoint, m => m.Count(x => x.Status == "Dead") == 1, "the killed silo declared dead", ct);
        killed.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"A killed silo was declared dead after {killed.Elapsed.TotalSeconds:0.00} s (within 0.5 s: the dashboard data is reused that long).");
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(10), $"declared dead after {killed.Elapsed}");

        await first.TerminateAsync();
        Assert.Equal(0, first.ExitCode);
        Assert.DoesNotContain(first.Output.Concat(second.Output), l => l.Contains(Password, StringComparison.Ordinal));
        Assert.Contains(first.Output, l => l.Contains("clustering: Redis", StringComparison.Ordinal));
    }

    private static async Task<List<(string Address, string Status)>> MembersAsync(string endPoint, Func<List<(string Address, string Status)>, bool> condition, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (_, body, response) = await SiloHttp.SendAsync(endPoint, "/api/cluster", cancellationToken: ct);
            response.Dispose();
            using var json = JsonDocument.Parse(body);
            var members = json.RootElement.TryGetProperty("members", out var list)
                ? list.EnumerateArray().Select(m => (m.GetProperty("address").GetString()!, m.GetProperty("status").GetString()!)).ToList()
                : [];
            if (condition(members))
            {
                return members;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Never: {what} ({string.Join(", ", members)}).");
            }

            // Membership changes in another process; look again shortly (the dashboard data is reused for 500 ms).
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }

    private static async Task RedisCliAsync(int port, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli", ["-p", Text(port), .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var cli = System.Diagnostics.Process.Start(start)!;
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0 && output.Contains("OK", StringComparison.Ordinal), $"redis-cli {string.Join(' ', args)}: {output}");
    }

    /// <summary>Publishes as the ACL user; returns how many subscribers received it.</summary>
    private static async Task<long> PublishAsync(int port, string channel, string message)
    {
        var start = new ProcessStartInfo("redis-cli", ["-p", Text(port), "--user", User, "--pass", Password, "--no-auth-warning", "PUBLISH", channel, message]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var cli = System.Diagnostics.Process.Start(start)!;
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0 && long.TryParse(output.Trim(), CultureInfo.InvariantCulture, out _), $"redis-cli PUBLISH {channel}: {output}");
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
