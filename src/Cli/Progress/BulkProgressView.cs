using System.Globalization;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Cli.Progress;

/// <summary>Chooses how a bulk invalidation's progress is shown, and words what every view shows.</summary>
internal static class BulkProgressView
{
    /// <summary>
    /// Bars per silo when a person watches stderr; plain lines when <paramref name="show"/> asks for progress on a
    /// stderr that is not a terminal (--progress, e.g. in CI); otherwise nothing.
    /// </summary>
    public static IBulkProgressView Start(CliConsole console, bool show, string label, TimeProvider time)
    {
        if (console.ErrorIsTerminal)
        {
            return TerminalProgressView.Start(console.AnsiError(), time);
        }

        return show ? new PlainProgressView(console.Error, label, time) : NoProgressView.Instance;
    }

    /// <summary>How a silo is named in progress: its name, or its address if it has none.</summary>
    public static string SiloLabel(SiloInvalidationProgress silo) => string.IsNullOrEmpty(silo.Name) ? silo.Silo : silo.Name;

    /// <summary><c>done/total</c>, in invariant digits.</summary>
    public static string Fraction(long done, long total) => string.Create(CultureInfo.InvariantCulture, $"{done}/{total}");

    private sealed class NoProgressView : IBulkProgressView
    {
        public static readonly NoProgressView Instance = new();

        public Task ShowAsync(BulkInvalidationProgress report) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
