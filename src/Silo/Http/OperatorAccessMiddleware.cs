using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OrleansCache.Silo.Options;

namespace OrleansCache.Silo.Http;

/// <summary>
/// Who may read what: health and readiness answer anyone who reaches the port (orchestrators probe them, and they tell
/// nothing of the data); metrics and the dashboard answer loopback callers, and others only with the configured
/// bearer token. Responses are never cached and never sniffed.
/// </summary>
internal sealed class OperatorAccessMiddleware(RequestDelegate next, IOptions<HttpEndpointOptions> options)
{
    private readonly byte[]? _token = options.Value.Token is { } token ? Encoding.UTF8.GetBytes(token) : null;

    public Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        var path = context.Request.Path;
        if (path.Equals("/healthz", StringComparison.Ordinal) || path.Equals("/readyz", StringComparison.Ordinal)
            || context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote) || HasToken(context.Request))
        {
            return next(context);
        }

        if (_token is null)
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return response.WriteAsync("only callers on this machine may read this; set Http:Token to allow others with a bearer token\n", context.RequestAborted);
        }

        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = "Bearer";
        return response.WriteAsync("a valid bearer token is required\n", context.RequestAborted);
    }

    private bool HasToken(HttpRequest request)
    {
        if (_token is null)
        {
            return false;
        }

        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time: how long a comparison takes must not tell how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _token);
    }
}
