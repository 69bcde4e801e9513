using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansCache.Cli.Progress;

/// <summary>A progress column with a silo's keys as <c>done/total</c> (Spectre's own columns count bytes or percent).</summary>
internal sealed class KeysColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        task.IsIndeterminate
            ? Text.Empty
            : new Text(BulkProgressView.Fraction((long)task.Value, (long)task.MaxValue) + " keys");
}
