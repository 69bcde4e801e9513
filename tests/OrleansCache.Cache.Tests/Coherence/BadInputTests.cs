using System.Reflection;
using OrleansCache.Client;
using OrleansCache.Client.Caching;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

public sealed class BadInputTests
{
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
        { "empty factory key", c => c.GetOrCreateAsync("", _ => Task.FromResult(1)) },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task BadInput_FailsWithArgumentError_BeforeAnyNetworkCall(string what, Func<IOrleansCache, Task> call)
    {
        var (cache, grains) = Offline();

        var ex = await Record.ExceptionAsync(() => call(cache));

        Assert.True(ex is ArgumentException, $"{what}: expected an ArgumentException, got {ex?.GetType().Name ?? "none"}: {ex?.Message}");
        Assert.Empty(grains.Calls);
        await cache.DisposeAsync();
    }

    [Fact]
    public async Task ValidInput_GoesToTheCluster()
    {
        // The control for the test above: a valid call does ask for a grain.
        var (cache, grains) = Offline();
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.SetAsync("user:1", "v", cancellationToken: TestContext.Current.CancellationToken));
        Assert.NotEmpty(grains.Calls);
        await cache.DisposeAsync();
    }

    /// <summary>A cache whose grain factory records every use and fails it: any call that got that far would show.</summary>
    private static (CacheClient, RecordingGrainFactory) Offline()
    {
        var grains = DispatchProxy.Create<IGrainFactory, RecordingGrainFactory>();
        var options = new OrleansCacheClientOptions { MaxKeyLength = 64, MaxValueBytes = 1024, FeedSubscribeWait = TimeSpan.Zero };
        return (new CacheClient(grains, options), (RecordingGrainFactory)(object)grains);
    }

    public class RecordingGrainFactory : DispatchProxy
    {
        public List<string> Calls { get; } = [];

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            lock (Calls)
            {
                Calls.Add(targetMethod?.Name ?? "?");
            }

            throw new InvalidOperationException("No network in this test.");
        }
    }
}
