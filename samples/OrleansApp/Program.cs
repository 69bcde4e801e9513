// An Orleans application with the cache in its own silo: its grains use IOrleansCache, and its HTTP API calls its grains.
//   dotnet run --project samples/OrleansApp
//   curl localhost:5080/products/teapot
//   curl -X PUT localhost:5080/products/teapot/price -H 'Content-Type: application/json' -d 30
// Settings (appsettings.json, or the command line): Orleans:SiloPort, Orleans:GatewayPort, Urls.
using Microsoft.AspNetCore.Mvc;
using OrleansCache.Samples.OrleansApp.Catalog;
using OrleansCache.Samples.OrleansApp.Grains;

var builder = WebApplication.CreateBuilder(args);
var siloPort = builder.Configuration.GetValue("Orleans:SiloPort", 11111);
var gatewayPort = builder.Configuration.GetValue("Orleans:GatewayPort", 30000);

builder.UseOrleans(silo => silo
    // The ids the cache's client and the orleans-cache tool use by default, so they connect without settings.
    .UseLocalhostClustering(siloPort, gatewayPort, serviceId: "orleans-cache", clusterId: "dev")
    .AddOrleansCache());
builder.Services.AddSingleton<ProductCatalog>();

var app = builder.Build();

app.MapGet("/products/{id}", async (string id, IGrainFactory grains) =>
    await grains.GetGrain<IProductGrain>(id).GetAsync() is { } product ? Results.Ok(product) : Results.NotFound());

app.MapPut("/products/{id}/price", async (string id, [FromBody] decimal price, IGrainFactory grains) =>
    await grains.GetGrain<IProductGrain>(id).SetPriceAsync(price) is { } product ? Results.Ok(product) : Results.NotFound());

app.MapGet("/catalog/loads", (ProductCatalog catalog) => Results.Ok(catalog.Loads));

app.Run();
