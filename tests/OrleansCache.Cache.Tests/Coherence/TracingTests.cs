using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansCache.Cache.Tests.Infrastructure;
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
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await CacheClusters.StartAsync(silos: 2);
        var (writer, reader) = (cluster.DefaultClient, await cluster.CreateClientAsync(cancellationToken: ct));
        var key = CacheClusters.Key("traced");
        await writer.Cache.SetAsync(key, "v1", cancellationToken: ct);
        Assert.Equal("v1", await reader.Cache.GetAsync<string>(key, ct));
        Assert.True(reader.Serves(key));

        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is OrleansCacheTelemetry.ActivitySourceName || s.Name == TestSourceName || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var watch = new Watch(reader.Cache);

        ActivityTraceId trace;
        using (var root = Test.StartActivity("a traced write"))
        {
            Assert.NotNull(root);
            trace = root.TraceId;
            await writer.Cache.SetAsync(key, "v2", cancellationToken: ct);
        }

        await watch.ForAsync(e => e.Kind == CacheInvalidationKind.Key && e.Target == key && e.Dropped == 1);
        await Eventually.TrueAsync(() => Traced(spans, trace).Any(IsApply), "the reader's apply span to end", Watch.Timeout, ct);

        var traced = Traced(spans, trace).ToList();
        var set = Assert.Single(traced, s => s.Source.Name == OrleansCacheTelemetry.ActivitySourceName && s.OperationName == "OrleansCache set");
        Assert.Equal(ActivityKind.Client, set.Kind);

        // The entry grain's call, as Orleans' activity propagation records it on the silo, under the client's spans.
        var grainCall = Assert.Single(traced, s => s.Kind == ActivityKind.Server && RpcMethod(s).EndsWith("ICacheEntryGrain/SetAsync", StringComparison.Ordinal));

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

    private static bool IsApply(Activity span) => span.Source.Name == OrleansCacheTelemetry.ActivitySourceName && span.OperationName == "OrleansCache apply invalidation";

    private static IEnumerable<Activity> Traced(ConcurrentQueue<Activity> spans, ActivityTraceId trace) => spans.Where(s => s.TraceId == trace);

    private static string RpcMethod(Activity span) => span.GetTagItem("rpc.method") as string ?? "";
}
