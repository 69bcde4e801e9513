using System.Net;
using System.Net.Http.Json;
using OrleansCache.Packaging.Tests.Infrastructure;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Packaging.Tests.Samples;

/// <summary>The samples run as a user runs them: the OrleansApp is the cluster, the WebApi its client.</summary>
public sealed class SampleTests(OrleansAppCluster cluster) : IClassFixture<OrleansAppCluster>
{
    [Fact]
    public async Task OrleansApp_ProductReadByItsGrain_IsLoadedOnceThenCached_AndFollowsAPriceChange()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        var loadsBefore = await http.GetFromJsonAsync<long>("/catalog/loads", ct);

        var first = await http.GetFromJsonAsync<Product>("/products/kettle", ct);
        var second = await http.GetFromJsonAsync<Product>("/products/kettle", ct);

        Assert.Equal(new Product("kettle", "Kettle", 40.00m), first);
        Assert.Equal(first, second);
        Assert.Equal(loadsBefore + 1, await http.GetFromJsonAsync<long>("/catalog/loads", ct));

        var changed = await http.PutAsJsonAsync("/products/kettle/price", 45.5m, ct);
        changed.EnsureSuccessStatusCode();
        Assert.Equal(new Product("kettle", "Kettle", 45.5m), await http.GetFromJsonAsync<Product>("/products/kettle", ct));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/products/no-such-product", ct)).StatusCode);
    }

    [Fact]
    public async Task WebApi_AsAClientOfTheOrleansApp_StoresReadsAndInvalidatesNotes_AndMakesAGreetingOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var web = await RunningSample.StartAsync("WebApi", $"--OrleansCache:Gateways:0={cluster.Gateway}");
        using var http = new HttpClient { BaseAddress = web.BaseAddress };

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/notes/todo", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsJsonAsync("/notes/todo", "buy milk", ct)).StatusCode);
        Assert.Equal("buy milk", await http.GetFromJsonAsync<string>("/notes/todo", ct));
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/notes/todo", ct)).StatusCode);
        await Eventually.TrueAsync(async () => (await http.GetAsync("/notes/todo", ct)).StatusCode == HttpStatusCode.NotFound, "the invalidated note to be gone", cancellationToken: ct);

        var greeting = await http.GetFromJsonAsync<Greeting>("/greetings/ada", ct);
        Assert.Equal("Hello, ada!", greeting?.Text);
        Assert.Equal(greeting, await http.GetFromJsonAsync<Greeting>("/greetings/ada", ct));
    }

    private sealed record Product(string Id, string Name, decimal Price);

    private sealed record Greeting(string Text, DateTimeOffset MadeAt, string MadeBy);
}
