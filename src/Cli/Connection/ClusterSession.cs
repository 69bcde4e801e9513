using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.Client.Caching;

namespace OrleansCache.Cli.Connection;

/// <summary>The tool's connected client: the cache, the Orleans client underneath, and the host that runs them.</summary>
internal sealed class ClusterSession(IHost host) : IAsyncDisposable
{
    /// <summary>How long closing may take before the tool exits anyway.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The cache, as applications use it.</summary>
    public IOrleansCache Cache => Services.GetRequiredService<IOrleansCache>();

    /// <summary>The Orleans client, for grain calls (the management grain, the cache's own grains).</summary>
    public IClusterClient Client => Services.GetRequiredService<IClusterClient>();

    public IServiceProvider Services => host.Services;

    /// <summary>The cache client's implementation (its feeds), for watch.</summary>
    internal CacheClient CacheClient => Services.GetRequiredService<CacheClient>();

    /// <summary>
    /// Stops the client, waiting a bounded time: the tool must exit even if a connection hangs. The command's outcome
    /// is decided by then, so a failure to close changes neither its output nor its exit code.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await host.StopAsync(timeout.Token).WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // See above: nothing to report; the sockets close with the process.
        }

        try
        {
            await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // As above.
        }
    }
}
