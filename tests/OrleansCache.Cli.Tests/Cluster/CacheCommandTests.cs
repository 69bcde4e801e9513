using System.Text.Json;
using OrleansCache.Cli.Tests.Infrastructure;
using OrleansCache.Client;
using OrleansCache.Grains.Interfaces;
using Xunit;

namespace OrleansCache.Cli.Tests.Cluster;

[Collection(SharedCluster.Name)]
public sealed class CacheCommandTests(ClusterFixture fixture)
{
    private string[] Connection => fixture.Connection;

    [Fact]
    public async Task SetGetInvalidate_RoundTrip_ValueReadsBackInTheToolAndInADotNetClient()
    {
        var key = ClusterFixture.Key();

        var set = await Tool.RunAsync([.. Connection, "set", key, "hello wörld"]);
        var get = await Tool.RunAsync([.. Connection, "get", key]);
        var fromDotNet = await fixture.Cluster.Cache.GetAsync<string>(key, TestContext.Current.CancellationToken);
        // The .NET client now holds a copy; the tool's invalidation reaches it shortly after the tool returns.
        var dropped = InvalidationOf(key);
        var invalidate = await Tool.RunAsync([.. Connection, "invalidate", key]);
        var afterInvalidate = await Tool.RunAsync([.. Connection, "get", key]);

        Assert.Equal(0, set.ExitCode);
        Assert.Matches($"^stored {key} \\([0-9]+ bytes\\)$", Assert.Single(set.OutLines));
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("hello wörld\n", get.Out);
        Assert.Equal("hello wörld", fromDotNet);
        Assert.Equal(0, invalidate.ExitCode);
        Assert.Equal($"invalidated {key}", Assert.Single(invalidate.OutLines));
        Assert.Equal(3, afterInvalidate.ExitCode);
        Assert.Empty(afterInvalidate.Out);
        Assert.Equal($"{key}: no value", Assert.Single(afterInvalidate.ErrorLines));
        await dropped.WaitAsync(CapturedWriter.Timeout, TestContext.Current.CancellationToken);
        Assert.False((await fixture.Cluster.Cache.TryGetAsync<string>(key, TestContext.Current.CancellationToken)).Found);
    }

    [Fact]
    public async Task ValuesWrittenByADotNetClient_PrintAsTextOrJson()
    {
        var text = ClusterFixture.Key();
        var record = ClusterFixture.Key();
        await fixture.Cluster.Cache.SetAsync(text, "from .NET", cancellationToken: TestContext.Current.CancellationToken);
        await fixture.Cluster.Cache.SetAsync(record, new Person("Ada", 36), cancellationToken: TestContext.Current.CancellationToken);

        var getText = await Tool.RunAsync([.. Connection, "get", text]);
        var getRecord = await Tool.RunAsync([.. Connection, "get", record]);

        Assert.Equal("from .NET\n", getText.Out);
        Assert.Equal("{\"name\":\"Ada\",\"age\":36}\n", getRecord.Out);
    }

    [Fact]
    public async Task SetAsJson_WithTtlAndTag_GetJsonDescribesIt_AndTagInvalidationRemovesIt()
    {
        var key = ClusterFixture.Key();
        var tag = $"tenant-{Guid.NewGuid():N}";

        var set = await Tool.RunAsync([.. Connection, "set", key, "{\"name\":\"Ada\",\"age\":36}", "--as", "json", "--ttl", "10m", "--tag", tag, "--json"]);
        var get = await Tool.RunAsync([.. Connection, "get", key, "--json"]);
        var person = await fixture.Cluster.Cache.GetAsync<Person>(key, TestContext.Current.CancellationToken);
        var invalidate = await Tool.RunAsync([.. Connection, "invalidate", "--tag", tag]);
        var gone = await Tool.RunAsync([.. Connection, "get", key, "--json"]);

        Assert.Equal(0, set.ExitCode);
        using (var stored = JsonDocument.Parse(set.Out))
        {
            Assert.Equal("10m", stored.RootElement.GetProperty("ttl").GetString());
            Assert.Equal(tag, stored.RootElement.GetProperty("tags")[0].GetString());
        }

        using (var found = JsonDocument.Parse(get.Out))
        {
            var root = found.RootElement;
            Assert.True(root.GetProperty("found").GetBoolean());
            Assert.Equal("json", root.GetProperty("encoding").GetString());
            Assert.Equal("{\"name\":\"Ada\",\"age\":36}", root.GetProperty("value").GetString());
            Assert.NotNull(root.GetProperty("version").GetString());
            var expiresIn = root.GetProperty("expiresAt").GetDateTimeOffset() - DateTimeOffset.UtcNow;
            Assert.InRange(expiresIn, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
            Assert.Equal(tag, root.GetProperty("tags")[0].GetString());
        }

        Assert.Equal(new Person("Ada", 36), person);
        Assert.Equal($"invalidated 1 key tagged '{tag}'", Assert.Single(invalidate.OutLines).Split(" in ")[0]);
        Assert.Equal(3, gone.ExitCode);
        using var missing = JsonDocument.Parse(gone.Out);
        Assert.False(missing.RootElement.GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task SetRaw_StoresTheBytesUnchanged()
    {
        var key = ClusterFixture.Key();

        var set = await Tool.RunAsync([.. Connection, "set", key, "plain text", "--as", "raw"]);
        var entry = await StoredAsync(key);
        var get = await Tool.RunAsync([.. Connection, "get", key, "--json"]);

        Assert.Equal(0, set.ExitCode);
        Assert.Equal("plain text"u8.ToArray(), entry.Value);
        using var json = JsonDocument.Parse(get.Out);
        Assert.Equal("plain text", json.RootElement.GetProperty("value").GetString());
        Assert.Equal("text", json.RootElement.GetProperty("encoding").GetString());
    }

    [Fact]
    public async Task InvalidatePattern_WithProgress_ShowsProgressOnStderr_AndTheCountOnStdout()
    {
        var prefix = ClusterFixture.Key("pattern");
        for (var i = 0; i < 5; i++)
        {
            await fixture.Cluster.Cache.SetAsync($"{prefix}:{i}", i, cancellationToken: TestContext.Current.CancellationToken);
        }

        await fixture.Cluster.Cache.SetAsync($"{prefix}-other", 0, cancellationToken: TestContext.Current.CancellationToken);

        var result = await Tool.RunAsync([.. Connection, "invalidate", "--pattern", $"{prefix}:*", "--progress"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches($"^invalidated 5 keys matching '{prefix}:\\*' in [0-9.]+(ms|s)$", Assert.Single(result.OutLines));
        Assert.Equal($"invalidating keys matching '{prefix}:*' on every silo ...", result.ErrorLines[0]);
        Assert.False((await StoredAsync($"{prefix}:3")).Found);
        Assert.Equal(0, await fixture.Cluster.Cache.GetAsync<int>($"{prefix}-other", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Remove_And_InvalidateAll_ReportInJson()
    {
        var key = ClusterFixture.Key();
        await fixture.Cluster.Cache.SetAsync(key, "x", cancellationToken: TestContext.Current.CancellationToken);

        var remove = await Tool.RunAsync([.. Connection, "remove", key, "--json"]);
        await fixture.Cluster.Cache.SetAsync(key, "y", cancellationToken: TestContext.Current.CancellationToken);
        var all = await Tool.RunAsync([.. Connection, "invalidate", "--all", "--json"]);

        using var removed = JsonDocument.Parse(remove.Out);
        Assert.Equal("removed", removed.RootElement.GetProperty("action").GetString());
        Assert.Equal(key, removed.RootElement.GetProperty("target").GetString());
        Assert.Empty(all.Error); // no progress unasked when stderr is not a terminal
        using var invalidated = JsonDocument.Parse(all.Out);
        Assert.Equal("all", invalidated.RootElement.GetProperty("kind").GetString());
        Assert.True(invalidated.RootElement.GetProperty("count").GetInt64() >= 1);
        Assert.False((await StoredAsync(key)).Found);
    }

    [Fact]
    public async Task Tls_AgainstSilosWithoutTls_ExitsOne_WithOneLine_BeforeTheTimeout()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await Tool.RunAsync([.. Connection, "--tls", "--timeout", "30s", "members"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Out);
        Assert.StartsWith($"error: cannot reach cluster '{fixture.Cluster.ClusterId}' via ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"Took {watch.Elapsed}.");
    }

    [Fact]
    public async Task AnotherClusterId_IsRefusedByTheGateways_ExitsOne_WithOneLine()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string[] gateways = [.. fixture.Cluster.Silos.SelectMany(s => new[] { "--gateway", s.GatewayAddress.Endpoint.ToString() })];

        var result = await Tool.RunAsync([.. gateways, "--cluster-id", "another", "--service-id", fixture.Cluster.Cluster.Options.ServiceId, "--timeout", "30s", "members"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: cannot reach cluster 'another' via ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"Took {watch.Elapsed}.");
    }

    /// <summary>What the cluster holds (not a client's near-cache, which hears of another client's changes a moment later).</summary>
    private Task<CacheEntry> StoredAsync(string key) => fixture.Cluster.Client.GetGrain<ICacheEntryGrain>(key).GetAsync(Guid.Empty).AsTask();

    /// <summary>Completes when the shared .NET client applies an invalidation of <paramref name="key"/>.</summary>
    private Task InvalidationOf(string key)
    {
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnInvalidated(object? sender, CacheInvalidatedEventArgs e)
        {
            if (e.Kind == CacheInvalidationKind.Key && e.Target == key)
            {
                fixture.Cluster.Cache.Invalidated -= OnInvalidated;
                applied.TrySetResult();
            }
        }

        fixture.Cluster.Cache.Invalidated += OnInvalidated;
        return applied.Task;
    }

    private sealed record Person(string Name, int Age);
}
