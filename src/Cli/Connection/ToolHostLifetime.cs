using Microsoft.Extensions.Hosting;

namespace OrleansCache.Cli.Connection;

/// <summary>
/// The client host's lifetime: nothing. The tool handles Ctrl+C and SIGTERM itself (Program), and tests run many
/// hosts in one process, so the host must not register signal handlers of its own.
/// </summary>
internal sealed class ToolHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
