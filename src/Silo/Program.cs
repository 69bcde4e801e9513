using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansCache.Silo;

// Configuration, later sources winning: appsettings.json, appsettings.{Environment}.json,
// environment variables (ORLEANSCACHE_Silo__GatewayPort=30001, or Silo__GatewayPort), then the command line.
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddEnvironmentVariables(prefix: "ORLEANSCACHE_");
builder.Configuration.AddCommandLine(args, SiloCommandLine.SwitchMappings);

builder.UseOrleansCacheSilo(silo => silo.AddCacheGrains());

await builder.Build().RunAsync();
