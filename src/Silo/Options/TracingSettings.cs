using OpenTelemetry.Exporter;

namespace OrleansCache.Silo.Options;

/// <summary>Trace export of the executable (section <c>Tracing</c>): off unless <see cref="OtlpEndpoint"/> is set.</summary>
internal sealed class TracingSettings
{
    public const string SectionName = "Tracing";

    /// <summary>
    /// Where to send traces over OTLP, e.g. <c>http://collector:4317</c> (gRPC) or
    /// <c>http://collector:4318/v1/traces</c> (HTTP, used as given). None: no traces are exported.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>How: <c>Grpc</c> (the default) or <c>HttpProtobuf</c>.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    public bool Enabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}
