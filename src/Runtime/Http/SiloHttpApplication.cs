using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using OrleansCache.Core;
using OrleansCache.Runtime.Diagnostics;
using OrleansCache.Runtime.Hosting;

namespace OrleansCache.Runtime.Http;

/// <summary>
/// The silo's HTTP endpoints, routed by exact path: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, and when the
/// dashboard is on, <c>/</c> with its files and <c>/api/cluster</c>. Only GET and HEAD are served.
/// </summary>
internal sealed partial class SiloHttpApplication(
    SiloHealth health,
    SiloMetricsCollector metrics,
    ClusterOverviewSource overview,
    bool dashboard,
    ILogger logger) : IHttpApplication<HttpContext>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // The dashboard loads its own files and data only: even an escaping bug could not pull in script from elsewhere.
    private const string DashboardPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        try
        {
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            {
                response.Headers.Allow = "GET, HEAD";
                await WriteTextAsync(context, StatusCodes.Status405MethodNotAllowed, "only GET and HEAD are served\n").ConfigureAwait(false);
                return;
            }

            var path = request.Path.Value ?? "/";
            switch (path)
            {
                case "/healthz":
                    await WriteTextAsync(context, health.IsAlive ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, health.IsAlive ? "alive\n" : "dead\n").ConfigureAwait(false);
                    break;
                case "/readyz":
                    var notReady = health.NotReadyReason;
                    await WriteTextAsync(context, notReady is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, (notReady ?? "ready") + "\n").ConfigureAwait(false);
                    break;
                case "/metrics":
                    await WriteAsync(context, StatusCodes.Status200OK, PrometheusTextFormat.ContentType, Encoding.UTF8.GetBytes(PrometheusTextFormat.Format(metrics.Collect()))).ConfigureAwait(false);
                    break;
                case "/api/cluster" when dashboard:
                    await WriteOverviewAsync(context).ConfigureAwait(false);
                    break;
                default:
                    if (dashboard && DashboardAssets.ByPath.TryGetValue(path == "/dashboard" ? "/" : path, out var asset))
                    {
                        response.Headers.ContentSecurityPolicy = DashboardPolicy;
                        await WriteAsync(context, StatusCodes.Status200OK, asset.ContentType, asset.Content).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteTextAsync(context, StatusCodes.Status404NotFound, "not found\n").ConfigureAwait(false);
                    }

                    break;
            }
        }
        catch (Exception ex) when (!response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogRequestFailed(logger, request.Path.Value ?? string.Empty, ex);
            await WriteTextAsync(context, StatusCodes.Status500InternalServerError, "internal error; see the silo's log\n").ConfigureAwait(false);
        }
    }

    private async Task WriteOverviewAsync(HttpContext context)
    {
        if (health.NotReadyReason is { } notReady)
        {
            await WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, new { error = notReady }).ConfigureAwait(false);
            return;
        }

        try
        {
            var answer = await overview.GetAsync(context.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(context, StatusCodes.Status200OK, answer).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansCacheException)
        {
            // The cluster is busy or in flux: the dashboard shows the error and asks again on its next poll.
            LogOverviewFailed(logger, ex.Message);
            await WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, new { error = ex.Message }).ConfigureAwait(false);
        }
    }

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T value) =>
        WriteAsync(context, status, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(value, Json));

    private static Task WriteTextAsync(HttpContext context, int status, string text) =>
        WriteAsync(context, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    private static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 3903, Level = LogLevel.Error, Message = "Serving HTTP {Path} failed")]
    private static partial void LogRequestFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3904, Level = LogLevel.Warning, Message = "The dashboard could not get the cluster's figures: {Reason}")]
    private static partial void LogOverviewFailed(ILogger logger, string reason);
}
