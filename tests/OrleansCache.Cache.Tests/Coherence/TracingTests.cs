using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OrleansCache.Cache.Tests.Infrastructure;
using OrleansActivitySources = Orleans.Diagnostics.ActivitySources;
using OrleansCache.Client;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.Cache.Tests.Coherence;

/// <summary>One write, one trace: the writer's span, the entry grain's call, and every other client applying the change.</summary>
public sealed class TracingTests
{
    private const string TestSourceName = "OrleansCache.Tests.Tracing";

    private static readonly ActivitySource Test = new(TestSourceName);

    [Fact]
    public async Task OneWrite_IsOneTrace_ClientSetSpan_EntryGrainCallSpan_AndTheOtherClientsApplySpanUnderIt()
    {
        var spans = new ConcurrentQueue<Activity>();
        var (trace, _) = await TracedWriteAsync(
            collect: () =>
            {
                var listener = new ActivityListener
                {
                    ShouldListenTo = s => s.Name is OrleansCacheTelemetry.ActivitySourceName || s.Name == TestSourceName || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                    ActivityStopped = spans.Enqueue,
                };
                ActivitySource.AddActivityListener(listener);
                return listener;
            },
            applied: t => Traced(spans, t).Any(IsApply));

        var traced = Traced(spans, trace).ToList();
        var set = Assert.Single(traced, s => s.Source.Name == OrleansCacheTelemetry.ActivitySourceName && s.OperationName == "OrleansCache set");
        Assert.Equal(ActivityKind.Client, set.Kind);

        // The entry grain's call, as Orleans' activity propagation records it on the silo, under the client's spans.
        var grainCall = Assert.Single(traced, IsEntrySetCall);

        // The change carried the grain call's context to the reader, which applied it as a child of that call.
        var applies = traced.Where(IsApply).ToList();
        Assert.NotEmpty(applies);
        Assert.All(applies, a =>
        {
            Assert.Equal(ActivityKind.Consumer, a.Kind);
            Assert.Equal(grainCall.SpanId, a.ParentSpanId);
        });
    }

    [Fact]
    public async Task OneWrite_ExportedThroughOpenTelemetry_IsOneTrace_LinkedByParentIds()
    {
        // What an application configures: our source and Orleans' (Microsoft.Orleans.Runtime carries our grain calls).
        var exported = new ExportedSpans();
        TracerProvider? tracing = null;
        var (trace, root) = await TracedWriteAsync(
            collect: () => tracing = Sdk.CreateTracerProviderBuilder()
                .AddSource(OrleansCacheTelemetry.ActivitySourceName, TestSourceName)
                .AddSource(OrleansActivitySources.RuntimeActivitySourceName, OrleansActivitySources.ApplicationGrainActivitySourceName)
                .SetSampler(new AlwaysOnSampler())
                .AddInMemoryExporter(exported)
                .Build(),
            applied: t => exported.Of(t).Any(IsApply));
        Assert.True(tracing!.ForceFlush(5_000));

        var spans = exported.Of(trace).ToDictionary(s => s.SpanId);
        var set = Assert.Single(spans.Values, s => s.Source.Name == OrleansCacheTelemetry.ActivitySourceName && s.OperationName == "OrleansCache set");
        Assert.Equal(ActivityKind.Client, set.Kind);
        Assert.Equal(root, set.ParentSpanId);

        // Orleans' span of the call on the client, under the set span; the silo's span of the same call, under that.
        var grainCall = Assert.Single(spans.Values, IsEntrySetCall);
        Assert.Equal(OrleansActivitySources.RuntimeActivitySourceName, grainCall.Source.Name);
        var outgoing = spans[grainCall.ParentSpanId];
        Assert.Equal(ActivityKind.Client, outgoing.Kind);
        Assert.Equal(RpcMethod(grainCall), RpcMethod(outgoing));
        Assert.Equal(set.SpanId, outgoing.ParentSpanId);

        // Each reader's apply span is the grain call's child: one trace from the write to every client it reached.
        var applies = spans.Values.Where(IsApply).ToList();
        Assert.NotEmpty(applies);
        Assert.All(applies, a =>
        {
            Assert.Equal(ActivityKind.Consumer, a.Kind);
            Assert.Equal(grainCall.SpanId, a.ParentSpanId);
            Assert.Equal(trace, a.TraceId);
        });
    }

    [Fact]
    public void AnInvalidationWithABadTraceContext_IsAppliedWithoutOne()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is OrleansCacheTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        Activity.Current = null;

        foreach (var traceParent in new[] { new string('0', 10_000), "not a traceparent", "00-00000000000000000000000000000000-0000000000000000-01" })
        {
            // No ambient span here, so a span whose context came from the input would have a parent.
            using var apply = OrleansCacheTelemetry.StartApply(traceParent, "Key");
            Assert.NotNull(apply);
            Assert.Equal(default, apply.ParentSpanId);
        }
    }

    /// <summary>
    /// Starts two silos, a writer and a reader that holds the key, then starts collecting spans and writes the key in a
    /// span of the test's own; returns once the reader has applied the change and <paramref name="applied"/> sees it.
    /// </summary>
    private static async Task<(ActivityTraceId Trace, ActivitySpanId Root)> TracedWriteAsync(Func<IDisposable> collect, Func<ActivityTraceId, bool> applied)
    {
        var ct = TestContext.Current.CancellationToken;
        // Grain call spans are the application's choice on silos and clients alike, as in any Orleans application.
        await using var cluster = await CacheClusters.StartAsync(silos: 2, o =>
        {
            o.ConfigureSilo = silo => silo.AddActivityPropagation();
            o.ConfigureClientBuilder = client => client.AddActivityPropagation();
        });
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: ct));
        var key = CacheClusters.Key("traced");
        await writer.Cache.SetAsync(key, "v1", cancellationToken: ct);
        Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, ct));
        Assert.True(reader.Serves(key));

        using var collecting = collect();
        using var watch = new Watch(reader.Cache);
        ActivityTraceId trace;
        ActivitySpanId rootSpan;
        using (var root = Test.StartActivity("a traced write"))
        {
            Assert.NotNull(root);
            (trace, rootSpan) = (root.TraceId, root.SpanId);
            await writer.Cache.SetAsync(key, "v2", cancellationToken: ct);
        }

        await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);
        await Eventually.TrueAsync(() => applied(trace), "the reader's apply span to end", Watch.Timeout, ct);
        return (trace, rootSpan);
    }

    private static bool IsEntrySetCall(Activity span) => span.Kind == ActivityKind.Server && RpcMethod(span).EndsWith("ICacheEntryGrain/SetAsync", StringComparison.Ordinal);

    private static bool IsApply(Activity span) => span.Source.Name == OrleansCacheTelemetry.ActivitySourceName && span.OperationName == "OrleansCache apply invalidation";

    private static IEnumerable<Activity> Traced(ConcurrentQueue<Activity> spans, ActivityTraceId trace) => spans.Where(s => s.TraceId == trace);

    private static string RpcMethod(Activity span) => span.GetTagItem("rpc.method") as string ?? "";
}
