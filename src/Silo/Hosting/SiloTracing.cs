using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansCache.Client;
using OrleansCache.Silo.Http;
using OrleansCache.Silo.Options;
using OrleansActivitySources = Orleans.Diagnostics.ActivitySources;

namespace OrleansCache.Silo.Hosting;

/// <summary>
/// Sends the silo's spans over OTLP when <c>Tracing:OtlpEndpoint</c> is set: the cache's (its own cache client's apply
/// spans) and Orleans' grain calls (<c>Microsoft.Orleans.Runtime</c> holds the cache's grains' calls,
/// <c>Microsoft.Orleans.Application</c> the application's). Off otherwise: nothing listens, so no span is made.
/// </summary>
internal static class SiloTracing
{
    /// <summary>Whether spans are exported (only whether it is on is read here; the values through validated options).</summary>
    public static bool IsOn(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{TracingSettings.SectionName}:{nameof(TracingSettings.OtlpEndpoint)}"]);

    public static void Add(IHostApplicationBuilder builder)
    {
        if (!IsOn(builder.Configuration))
        {
            return;
        }

        builder.Services.AddOptions<OtlpExporterOptions>().Configure<IOptions<TracingSettings>>((otlp, settings) =>
        {
            otlp.Endpoint = new Uri(settings.Value.OtlpEndpoint!, UriKind.Absolute);
            otlp.Protocol = settings.Value.OtlpProtocol;
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(OperatorHttp.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(OrleansCacheTelemetry.ActivitySourceName, OrleansActivitySources.RuntimeActivitySourceName, OrleansActivitySources.ApplicationGrainActivitySourceName)
                .AddOtlpExporter());
    }
}
