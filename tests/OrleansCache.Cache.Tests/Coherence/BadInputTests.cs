using OrleansCache.Client;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class BadInputTests
{
    /// <summary>A client whose only gateway does not exist: any call that reached the network would fail differently.</summary>
    private static IOrleansCacheClient Offline()
    {
        var options = new OrleansCacheClientOptions { MaxKeyLength = 64, MaxValueBytes = 1024 };
        options.Gateways.Add("127.0.0.1:1");
        options.Cluster.ConnectTimeout = TimeSpan.FromMilliseconds(200);
        options.Cluster.ResponseTimeout = TimeSpan.FromSeconds(1);
        return OrleansCacheFactory.Create(options);
    }

    public static TheoryData<string, Func<IOrleansCache, Task>> Calls => new()
    {
        { "empty key", c => c.GetAsync<string>("").AsTask() },
        { "blank key", c => c.SetAsync("   ", "v") },
        { "key over limit", c => c.SetAsync(new string('k', 65), "v") },
        { "control character in key", c => c.RemoveAsync("user:\n1") },
        { "value over limit", c => c.SetAsync("user:1", new string('v', 2000)) },
        { "tag with a space", c => c.SetAsync("user:1", "v", new CacheEntryOptions { Tags = ["tenant 42"] }) },
        { "tag with a star", c => c.InvalidateByTagAsync("tenant:*") },
        { "empty tag", c => c.InvalidateByTagAsync("") },
        { "too many tags", c => c.SetAsync("user:1", "v", new CacheEntryOptions { Tags = [.. Enumerable.Range(0, 40).Select(i => $"t{i}")] }) },
        { "non-positive ttl", c => c.SetAsync("user:1", "v", new CacheEntryOptions { Ttl = TimeSpan.Zero }) },
        { "pattern with brackets", c => c.InvalidateByPatternAsync("user:[12]") },
        { "empty key in batch", c => c.InvalidateAsync(["user:1", ""]) },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task BadInput_FailsWithArgumentError_BeforeAnyNetworkCall(string what, Func<IOrleansCache, Task> call)
    {
        await using var cache = Offline();

        var ex = await Record.ExceptionAsync(() => call(cache));

        Assert.True(ex is ArgumentException, $"{what}: expected an ArgumentException, got {ex?.GetType().Name ?? "none"}: {ex?.Message}");
        Assert.False(cache.Cluster.IsConnected);
    }

    [Fact]
    public async Task ValidInput_OnTheOfflineClient_GoesToTheNetwork()
    {
        // The control for the test above: valid calls do reach the network (and fail there).
        await using var cache = Offline();
        await Assert.ThrowsAsync<Core.ClusterUnavailableException>(() => cache.GetAsync<string>("user:1", TestContext.Current.CancellationToken).AsTask());
    }
}
