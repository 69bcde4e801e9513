using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansCache.Silo;

// Configuration, later sources winning: appsettings.json, appsettings.{Environment}.json,
// environment variables (ORLEANSCACHE_Silo__GatewayPort=30001, or Silo__GatewayPort), then the command line.
// The content root is the executable's folder, so its appsettings.json is found wherever the silo is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables(prefix: "ORLEANSCACHE_");
builder.Configuration.AddCommandLine(args, SiloCommandLine.SwitchMappings);

builder.UseOrleansCacheSilo(silo =>
{
    silo.AddCacheGrains();

    // With a Redis connection string (--redis host:port, or Redis:ConnectionString), silos on many machines form one
    // cluster through Redis and cache entries survive a silo's crash; without one, everything stays in this process.
    if (!string.IsNullOrWhiteSpace(builder.Configuration["Redis:ConnectionString"]))
    {
        silo.UseRedisClustering().AddRedisCacheStorage();

        // The inbound/outbound bridge for non-.NET services (--redis-bridge true), configured by the RedisBridge section.
        if (builder.Configuration.GetValue<bool>("RedisBridge:Enabled"))
        {
            silo.AddRedisInvalidationBridge();
        }
    }
});

await builder.Build().RunAsync();
