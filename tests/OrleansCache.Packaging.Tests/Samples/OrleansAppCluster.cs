using System.Globalization;
using OrleansCache.Packaging.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using Xunit;

namespace OrleansCache.Packaging.Tests.Samples;

/// <summary>The OrleansApp sample running once for a test class: its HTTP API and its silo's gateway (for clients).</summary>
public sealed class OrleansAppCluster : IAsyncLifetime
{
    private RunningSample? _app;

    /// <summary>The sample's HTTP API.</summary>
    public Uri BaseAddress => App.BaseAddress;

    /// <summary><c>127.0.0.1:port</c> of its silo's gateway.</summary>
    public string Gateway { get; } = $"127.0.0.1:{FreePorts.Take().ToString(CultureInfo.InvariantCulture)}";

    internal RunningSample App => _app ?? throw new InvalidOperationException("The OrleansApp sample has not started.");

    public async ValueTask InitializeAsync()
    {
        var gatewayPort = Gateway.Split(':')[1];
        _app = await RunningSample.StartAsync("OrleansApp", $"--Orleans:SiloPort={FreePorts.Take().ToString(CultureInfo.InvariantCulture)}", $"--Orleans:GatewayPort={gatewayPort}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
