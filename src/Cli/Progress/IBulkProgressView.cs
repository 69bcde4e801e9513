using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Progress;

/// <summary>Shows a bulk invalidation's reports on stderr while it runs; disposing it ends the display.</summary>
internal interface IBulkProgressView : IAsyncDisposable
{
    /// <summary>Shows the latest report (the cluster sends one when counts change, at most every 100 ms, and a last one with the count).</summary>
    Task ShowAsync(BulkInvalidationProgress report);
}
