using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Xunit;

namespace OrleansCache.Redis.Tests.Storage;

/// <summary>
/// A one-silo Orleans test cluster hosting the cache with in-memory storage. Its grains (store sweeps, expiry) run on
/// <see cref="Time"/>, a fake clock; Orleans' own background loops stay on real time.
/// </summary>
public sealed class InMemoryStorageCluster : IAsyncLifetime
{
    public static readonly TimeSpan FenceRetention = TimeSpan.FromSeconds(2);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansCache(cache => cache.ConfigureOptions(o =>
            {
                o.FenceRetention = FenceRetention;
                o.ExpirySweepInterval = TimeSpan.FromMilliseconds(500);
            }));
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
