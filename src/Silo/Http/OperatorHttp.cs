using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Http;

/// <summary>
/// The operator endpoints on their own HTTP port: <c>/healthz</c> and <c>/readyz</c> (ASP.NET Core health checks, JSON),
/// <c>/metrics</c> (OpenTelemetry's Prometheus exporter: the cache's meters and Orleans'), our dashboard with its
/// data at <c>/api/cluster</c>, and Microsoft's Orleans dashboard at <c>/orleans/</c>.
/// </summary>
/// <remarks>
/// <see cref="OperatorAccessMiddleware"/> runs before routing picks an endpoint, so its rule covers every path here,
/// Orleans' dashboard and all its JSON routes included (that dashboard has no authentication of its own).
/// </remarks>
internal static class OperatorHttp
{
    /// <summary>Health checks with this tag decide <c>/healthz</c>: is the process alive.</summary>
    public const string LiveTag = "live";

    /// <summary>Health checks with this tag decide <c>/readyz</c>: should traffic come here (providers add theirs, e.g. Redis storage).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The service name in <c>target_info</c>.</summary>
    public const string ServiceName = "orleans-cache";

    /// <summary>The meters <c>/metrics</c> exports.</summary>
    public static readonly string[] Meters = ["OrleansCache.Cache", "OrleansCache.Client", "OrleansCache.Redis", "Microsoft.Orleans"];

    /// <summary>Where Orleans' dashboard is served: its page at <c>/orleans/</c>, its data below it.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>
    /// Whether this silo runs Orleans' dashboard services (<c>AddDashboard</c>: a grain service, a grain call profiler),
    /// with or without an HTTP port: the dashboard served by any silo asks every silo for its figures, and a silo
    /// without them has none to give (its pages fail).
    /// </summary>
    public static bool RunsOrleansDashboard(IConfiguration configuration) =>
        configuration.GetSection(HttpEndpointOptions.SectionName).GetValue(nameof(HttpEndpointOptions.OrleansDashboard), defaultValue: true);

    public static void AddServices(WebApplicationBuilder web)
    {
        web.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<HttpEndpointOptions>>().Value;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 100;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        web.Services.AddHealthChecks()
            .AddCheck<LivenessHealthCheck>("process", tags: [LiveTag])
            .AddCheck<ClusterReadinessHealthCheck>("cluster", tags: [ReadyTag]);
        web.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());
        web.Services.AddSingleton<ClusterOverviewSource>();
    }

    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<HttpEndpointOptions>>().Value;
        app.UseMiddleware<OperatorAccessMiddleware>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag), ResponseWriter = HealthJson.WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthJson.WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        if (options.OrleansDashboard)
        {
            OrleansDashboardPage.Map(app, OrleansDashboardPath, linkBack: options.Dashboard);
        }

        if (options.Dashboard)
        {
            app.MapGet("/api/cluster", async (ClusterOverviewSource source, HttpContext context) =>
            {
                try
                {
                    return Results.Json(await source.GetAsync(context.RequestAborted).ConfigureAwait(false), ClusterOverviewSource.Json);
                }
                catch (TimeoutException ex)
                {
                    // The cluster is busy or in flux: the page shows the error and asks again on its next poll.
                    return Results.Json(new { error = ex.Message }, ClusterOverviewSource.Json, statusCode: StatusCodes.Status503ServiceUnavailable);
                }
            });
            foreach (var (path, asset) in DashboardAssets.ByPath(linkOrleansDashboard: options.OrleansDashboard))
            {
                app.MapGet(path, (HttpContext context) =>
                {
                    context.Response.Headers.ContentSecurityPolicy = DashboardAssets.ContentSecurityPolicy;
                    return Results.Bytes(asset.Content, asset.ContentType);
                });
            }
        }
    }
}
