using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Dashboard;

namespace OrleansCache.Silo.Http;

/// <summary>
/// Microsoft's Orleans dashboard at <see cref="OperatorHttp.OrleansDashboardPath"/>: its endpoints as the package maps
/// them, its page served with a link back to ours, a Content-Security-Policy of its own, and requests that end when the
/// silo stops.
/// </summary>
/// <remarks>
/// The package's single-page app has no place for a link of ours, so its <c>index.html</c> (an embedded resource of the
/// package) is served from here with one anchor added below its brand header; the app's script renders into elements
/// by id and never touches it. Should a new package version change that spot, the page is served as the package has it
/// (the browser test then fails on the missing link).
/// </remarks>
internal static class OrleansDashboardPage
{
    /// <summary>
    /// Looser than our page's in two ways, on this route only: the bundle's stylesheet carries its icons and one font as
    /// <c>data:</c> URLs, and inline styles are allowed (its <c>index.html</c> has a style attribute, and the Lifecycle
    /// page draws Mermaid diagrams, SVG with <c>&lt;style&gt;</c> elements and style attributes of their own). Scripts
    /// stay strict (this port's files only: no inline script, no eval), and so does every fetch, image and font, so
    /// injected CSS could not send anything elsewhere either.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The element the app renders its brand header into; our link goes right after it.</summary>
    private const string BrandHeader = "<div id=\"brand-header\"></div>";

    /// <summary>The anchor added to Orleans' page: back to ours at the root, styled by the bundle's own Bootstrap classes.</summary>
    private const string LinkBack = "<a id=\"orleanscache-dashboard\" class=\"btn btn-sm btn-outline-secondary m-2\" href=\"../\">← OrleansCache dashboard</a>";

    private const string IndexResource = "Orleans.Dashboard.wwwroot.index.html";

    /// <summary>Maps the package's endpoints below <paramref name="path"/> and, when it links back to ours, its page.</summary>
    public static void Map(WebApplication app, string path, bool linkBack)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapOrleansDashboard(path).AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;

            // The package's log stream answers until its request is aborted (for an hour otherwise), and the server waits
            // for open requests when the silo stops: one open Log Stream page held a graceful stop up for the host's whole
            // shutdown timeout. Its requests now also end when the silo starts stopping.
            // (Disposed with the request: the result the handler returns is written after this filter has returned.)
            var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
            http.Response.RegisterForDispose(ended);
            http.RequestAborted = ended.Token;
            return next(context);
        });

        if (!linkBack || PageWithLinkBack() is not { } page)
        {
            return;
        }

        // Order -1 wins over the package's endpoints for the same two routes.
        app.MapGet(path + "/", (HttpContext context) => Serve(context, page)).WithOrder(-1);
        app.MapGet(path + "/index.html", (HttpContext context) => Serve(context, page)).WithOrder(-1);
    }

    /// <summary>The package's page with the link back added; null when its brand header is not where it was.</summary>
    internal static byte[]? PageWithLinkBack()
    {
        using var stream = typeof(DashboardOptions).Assembly.GetManifestResourceStream(IndexResource);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var html = reader.ReadToEnd();
        var at = html.IndexOf(BrandHeader, StringComparison.Ordinal);
        return at < 0 ? null : Encoding.UTF8.GetBytes(html.Insert(at + BrandHeader.Length, LinkBack));
    }

    private static IResult Serve(HttpContext context, byte[] page)
    {
        var request = context.Request;

        // As the package does: the page's asset paths are relative, so its address must end with a slash.
        if (request.Path.Value?.EndsWith('/') == false && !request.Path.Value.EndsWith("/index.html", StringComparison.Ordinal))
        {
            return Results.Redirect($"{request.PathBase}{request.Path}/{request.QueryString}", permanent: true);
        }

        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Bytes(page, "text/html; charset=utf-8");
    }
}
