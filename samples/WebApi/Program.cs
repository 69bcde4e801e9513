// An ASP.NET Core minimal API that uses an OrleansCache cluster as a client: IOrleansCache for notes, HybridCache for
// greetings. Start a cluster first (samples/OrleansApp, or src/Silo), then:
//   dotnet run --project samples/WebApi
//   curl -X PUT localhost:5090/notes/todo -H 'Content-Type: application/json' -d '"buy milk"'
//   curl localhost:5090/notes/todo
//   curl localhost:5090/greetings/ada
// Settings (appsettings.json, environment, command line): OrleansCache:Gateways:0, OrleansCache:ClusterId, Urls.
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Hybrid;
using OrleansCache.Client;
using OrleansCache.Samples.WebApi;

var builder = WebApplication.CreateBuilder(args);

// The cache client, with an Orleans client of its own; options bind from the OrleansCache section.
builder.Services.AddOrleansCacheClient();
// HybridCache on the same cluster: a miss runs its factory once in the cluster, and changes reach every instance.
builder.Services.AddOrleansHybridCache(o => o.DefaultEntryOptions = new() { Expiration = TimeSpan.FromMinutes(10) });

var app = builder.Build();

app.MapGet("/notes/{key}", async (string key, IOrleansCache cache, CancellationToken ct) =>
    await cache.TryGetAsync<string>($"note:{key}", ct) is { Found: true } note ? Results.Ok(note.Value) : Results.NotFound());

app.MapPut("/notes/{key}", async (string key, [FromBody] string text, IOrleansCache cache, CancellationToken ct) =>
{
    await cache.SetAsync($"note:{key}", text, new CacheEntryOptions { Ttl = TimeSpan.FromHours(1) }, ct);
    return Results.NoContent();
});

app.MapDelete("/notes/{key}", async (string key, IOrleansCache cache, CancellationToken ct) =>
{
    await cache.InvalidateAsync($"note:{key}", ct);
    return Results.NoContent();
});

app.MapGet("/greetings/{name}", async (string name, HybridCache cache, CancellationToken ct) =>
    await cache.GetOrCreateAsync(
        $"greeting:{name}",
        name,
        (who, _) => ValueTask.FromResult(new Greeting($"Hello, {who}!", DateTimeOffset.UtcNow, $"{Environment.MachineName}:{Environment.ProcessId}")),
        tags: ["greetings"],
        cancellationToken: ct));

app.MapDelete("/greetings", async (HybridCache cache, CancellationToken ct) =>
{
    await cache.RemoveByTagAsync("greetings", ct);
    return Results.NoContent();
});

app.Run();
