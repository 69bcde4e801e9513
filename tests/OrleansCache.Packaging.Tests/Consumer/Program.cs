// A user's first program on the OrleansCache packages: a silo with the cache, a client of its own (IOrleansCache and
// HybridCache), and a test cluster. Prints one line that PackageConsumerTests checks. Arguments: silo port, gateway port.
using System.Globalization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCache.Client;
using OrleansCache.Redis;
using OrleansCache.TestingHost;

var siloPort = int.Parse(args[0], CultureInfo.InvariantCulture);
var gatewayPort = int.Parse(args[1], CultureInfo.InvariantCulture);
var clusterId = "package-consumer-" + Guid.NewGuid().ToString("N");
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var ct = timeout.Token;

// The silo: OrleansCache.Grains.
var siloBuilder = Host.CreateApplicationBuilder();
siloBuilder.Logging.ClearProviders();
siloBuilder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort, gatewayPort, clusterId: clusterId, serviceId: "orleans-cache")
    .AddOrleansCache());
using var siloHost = siloBuilder.Build();
await siloHost.StartAsync(ct);

// A client with its own Orleans client: OrleansCache.Client and OrleansCache.Hybrid.
var clientBuilder = Host.CreateApplicationBuilder();
clientBuilder.Logging.ClearProviders();
clientBuilder.Services.AddOrleansCacheClient(o =>
{
    o.Gateways.Add($"127.0.0.1:{gatewayPort}");
    o.ClusterId = clusterId;
});
clientBuilder.Services.AddOrleansHybridCache();
using var clientHost = clientBuilder.Build();
await clientHost.StartAsync(ct);

var cache = clientHost.Services.GetRequiredService<IOrleansCache>();
await cache.SetAsync("user:1", "Ada", cancellationToken: ct);
var readInSilo = await siloHost.Services.GetRequiredService<IOrleansCache>().GetAsync<string>("user:1", ct);
var hybrid = clientHost.Services.GetRequiredService<HybridCache>();
var madeByHybrid = await hybrid.GetOrCreateAsync("user:2", _ => ValueTask.FromResult(new Profile("Grace")), cancellationToken: ct);
var readByClient = await cache.GetAsync<Profile>("user:2", ct);

await clientHost.StopAsync(ct);
await siloHost.StopAsync(ct);

// A test cluster: OrleansCache.TestingHost.
string? readInTestCluster;
await using (var cluster = await OrleansCacheTestCluster.StartAsync(silos: 1, cancellationToken: ct))
{
    await cluster.Cache.SetAsync("user:3", "Edsger", cancellationToken: ct);
    readInTestCluster = await cluster.Cache.GetAsync<string>("user:3", ct);
}

// OrleansCache.Redis: its assembly loads (running its storage needs a redis-server).
var redis = typeof(RedisCacheOptions).Assembly.GetName().Name;
Console.WriteLine($"silo read {readInSilo}; client read {readByClient?.Name} (HybridCache made {madeByHybrid.Name}); test cluster read {readInTestCluster}; {redis} loaded");

internal sealed record Profile(string Name);
