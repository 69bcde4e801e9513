using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>
/// What travels between silos and clients is named by stable aliases, not by .NET type names, so renaming a type or a
/// method does not break a rolling upgrade; and a client application pulls in neither Orleans' silo runtime nor
/// ASP.NET Core.
/// </summary>
public sealed class WireContractTests
{
    public static TheoryData<Type, string> SerializedTypes => new()
    {
        { typeof(CacheVersion), "oc.CacheVersion" },
        { typeof(CacheEntry), "oc.CacheEntry" },
        { typeof(CacheWriteOptions), "oc.CacheWriteOptions" },
        { typeof(LeaseResult), "oc.LeaseResult" },
        { typeof(FillResult), "oc.FillResult" },
        { typeof(Invalidation), "oc.Invalidation" },
        { typeof(InvalidationDelivery), "oc.InvalidationDelivery" },
        { typeof(FeedSubscription), "oc.FeedSubscription" },
        { typeof(FeedPosition), "oc.FeedPosition" },
        { typeof(SiloStats), "oc.SiloStats" },
        { typeof(BulkInvalidationProgress), "oc.BulkInvalidationProgress" },
        { typeof(SiloInvalidationProgress), "oc.SiloInvalidationProgress" },
        { typeof(CacheStorageConflictException), "oc.CacheStorageConflictException" },
        { typeof(CacheOwnerStalledException), "oc.CacheOwnerStalledException" },
    };

    private static readonly (Type Type, string Alias)[] GrainInterfaces =
    [
        (typeof(ICacheEntryGrain), "oc.ICacheEntryGrain"),
        (typeof(ICacheCoordinatorGrain), "oc.ICacheCoordinatorGrain"),
        (typeof(IInvalidationFeedGrain), "oc.IInvalidationFeedGrain"),
        (typeof(IInvalidationObserver), "oc.IInvalidationObserver"),
        (typeof(ICacheClusterGrain), "oc.ICacheClusterGrain"),
        (typeof(IBulkInvalidationGrain), "oc.IBulkInvalidationGrain"),
    ];

    [Theory]
    [MemberData(nameof(SerializedTypes))]
    public void Contract_IsWrittenUnderItsAlias(Type type, string alias)
    {
        using var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CacheEntry).Assembly)).BuildServiceProvider();

        Assert.Equal(alias, services.GetRequiredService<TypeConverter>().Format(type));
    }

    [Fact]
    public async Task GrainInterfaces_AreNamedByTheirAliases()
    {
        await using var cluster = await OrleansCacheTestCluster.StartAsync(silos: 1, cancellationToken: TestContext.Current.CancellationToken);
        var resolver = cluster.DefaultClient.Services.GetRequiredService<GrainInterfaceTypeResolver>();

        Assert.All(GrainInterfaces, g => Assert.Equal(g.Alias, resolver.GetGrainInterfaceType(g.Type).ToString()));
    }

    [Fact]
    public void Contract_RoundTripsThroughOrleansSerializer()
    {
        using var services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CacheEntry).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var entry = new CacheEntry([1, 2, 3], new CacheVersion(1, 2, 3), DateTimeOffset.UnixEpoch.AddDays(1), ["tenant:1"]);
        var delivery = new InvalidationDelivery(5, Guid.NewGuid(), 42, 7, [Invalidation.ForKey("user:1", new CacheVersion(1, 2, 3)), Invalidation.ForAll()], 123, Closing: true, "overflow");

        var entryCopy = serializer.Deserialize<CacheEntry>(serializer.SerializeToArray(entry));
        var deliveryCopy = serializer.Deserialize<InvalidationDelivery>(serializer.SerializeToArray(delivery));

        Assert.NotNull(entryCopy);
        Assert.NotNull(deliveryCopy);
        Assert.Equal(entry.Value, entryCopy.Value);
        Assert.Equal(entry.Version, entryCopy.Version);
        Assert.Equal(entry.Tags, entryCopy.Tags);
        Assert.Equal(delivery.Items, deliveryCopy.Items);
        Assert.Equal(delivery with { Items = deliveryCopy.Items }, deliveryCopy);
    }

    [Fact]
    public void ClientLibrary_PullsInNeitherTheSiloRuntimeNorAspNetCore()
    {
        var assets = FindRepositoryFile("src/Client/obj/project.assets.json");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var libraries = json.RootElement.GetProperty("targets").EnumerateObject().Single().Value.EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
        var frameworks = json.RootElement.GetProperty("project").GetProperty("frameworks").EnumerateObject().Single().Value;
        var frameworkReferences = frameworks.TryGetProperty("frameworkReferences", out var references) ? references.EnumerateObject().Select(p => p.Name).ToList() : [];

        Assert.Contains("Microsoft.Orleans.Client", libraries);
        Assert.DoesNotContain(libraries, l => l is "Microsoft.Orleans.Runtime" or "Microsoft.Orleans.Server" || l.StartsWith("Microsoft.AspNetCore.App", StringComparison.Ordinal));
        Assert.DoesNotContain("Microsoft.AspNetCore.App", frameworkReferences);
    }

    private static string FindRepositoryFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {AppContext.BaseDirectory}; build the solution first.");
    }
}
