using System.Diagnostics;

namespace OrleansCache.Client;

/// <summary>
/// The cache's traces: subscribe with <c>tracing.AddSource(OrleansCacheTelemetry.ActivitySourceName)</c>, together
/// with Orleans' <c>Microsoft.Orleans.*</c> sources for the grain calls in between.
/// </summary>
/// <remarks>
/// A write, a key invalidation and a remote read are client spans. The change a write makes carries its grain call's
/// trace context to every client the invalidation is pushed to, which applies it in a consumer span of the same trace:
/// one trace shows the write, the grain, and each client that dropped its copy. Grain call spans need Orleans' activity
/// propagation on silos and clients: call <c>AddActivityPropagation()</c> on the silo and client builders (the silo
/// executable does when it exports spans). It is off by default because its call filters cost every grain call about a
/// kilobyte even when nothing listens (docs/adr/0088). Nothing is recorded, and nothing crosses the wire, when nobody listens.
/// </remarks>
public static class OrleansCacheTelemetry
{
    /// <summary>The name of the cache's <see cref="ActivitySource"/>.</summary>
    public const string ActivitySourceName = "OrleansCache";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Longest trace context an invalidation may carry; a W3C traceparent is 55 characters.</summary>
    internal const int MaxTraceParentLength = 128;

    /// <summary>The current span's W3C trace context, or null when there is none (nobody listens) or it is not W3C.</summary>
    internal static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts the span of applying a pushed invalidation, in the trace of the change that caused it.</summary>
    internal static Activity? StartApply(string? traceParent, string kind)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = traceParent is { Length: > 0 and <= MaxTraceParentLength } && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        var activity = Source.StartActivity("OrleansCache apply invalidation", ActivityKind.Consumer, parent);
        activity?.SetTag("cache.invalidation.kind", kind);
        return activity;
    }
}
