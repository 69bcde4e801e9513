using System.Diagnostics.Metrics;

namespace OrleansCache.Runtime.Diagnostics;

/// <summary>The runtime's instruments, under the meter <c>OrleansCache.Runtime</c>.</summary>
internal sealed class RuntimeMetrics
{
    public const string MeterName = "OrleansCache.Runtime";

    private readonly Counter<long> _activationsCreated;
    private readonly Counter<long> _activationsDeactivated;
    private readonly UpDownCounter<long> _activationsLive;
    private readonly Counter<long> _callsHandled;
    private readonly Counter<long> _callsForwarded;
    private readonly Counter<long> _callsRejected;
    private readonly Histogram<double> _callDuration;
    private readonly UpDownCounter<long> _connectionsOpen;
    private readonly Counter<long> _connectionsRejected;
    private readonly Counter<long> _framesRejected;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _activationsCreated = meter.CreateCounter<long>("orleanscache.activations.created", description: "Grain activations created.");
        _activationsDeactivated = meter.CreateCounter<long>("orleanscache.activations.deactivated", description: "Grain activations deactivated, by reason.");
        _activationsLive = meter.CreateUpDownCounter<long>("orleanscache.activations.live", description: "Grain activations alive now.");
        _callsHandled = meter.CreateCounter<long>("orleanscache.calls.handled", description: "Grain calls run by this silo, by outcome.");
        _callsForwarded = meter.CreateCounter<long>("orleanscache.calls.forwarded", description: "Grain calls forwarded to the owning silo.");
        _callsRejected = meter.CreateCounter<long>("orleanscache.calls.rejected", description: "Grain calls refused, by reason.");
        _callDuration = meter.CreateHistogram<double>("orleanscache.calls.duration", unit: "ms", description: "Time from a call's arrival on the owning silo to its response.");
        _connectionsOpen = meter.CreateUpDownCounter<long>("orleanscache.connections.open", description: "Open connections, by role.");
        _connectionsRejected = meter.CreateCounter<long>("orleanscache.connections.rejected", description: "Connections closed for a protocol violation or refused handshake, by reason.");
        _framesRejected = meter.CreateCounter<long>("orleanscache.frames.rejected", description: "Inbound frames that broke the protocol (each closes its connection), by reason: oversized, malformed, truncated, unexpected.");
    }

    public void ActivationCreated()
    {
        _activationsCreated.Add(1);
        _activationsLive.Add(1);
    }

    public void ActivationDeactivated(DeactivationReason reason)
    {
        _activationsDeactivated.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
        _activationsLive.Add(-1);
    }

    public void CallHandled(string outcome, double milliseconds)
    {
        _callsHandled.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _callDuration.Record(milliseconds);
    }

    public void CallForwarded() => _callsForwarded.Add(1);

    public void CallRejected(string reason) => _callsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ConnectionOpened(string role) => _connectionsOpen.Add(1, new KeyValuePair<string, object?>("role", role));

    public void ConnectionClosed(string role) => _connectionsOpen.Add(-1, new KeyValuePair<string, object?>("role", role));

    public void ConnectionRejected(string reason) => _connectionsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void FrameRejected(string reason) => _framesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
