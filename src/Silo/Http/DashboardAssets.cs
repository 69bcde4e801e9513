using System.Collections.Frozen;
using System.Text;

namespace OrleansCache.Silo.Http;

/// <summary>The dashboard's files, embedded in this assembly: plain HTML, CSS and JavaScript, nothing to build, no CDN.</summary>
internal static class DashboardAssets
{
    /// <summary>The page loads its own files and data only: even an escaping bug could not pull in script from elsewhere.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string ResourcePrefix = "OrleansCache.Silo.Dashboard.";

    /// <summary>Encloses the page's link to Orleans' dashboard, which is cut out when that dashboard is not served.</summary>
    private const string OrleansLinkStart = "<!--orleans-dashboard-->";
    private const string OrleansLinkEnd = "<!--/orleans-dashboard-->";

    /// <summary>Request path → (content type, bytes); the page links to Orleans' dashboard only when it is served.</summary>
    public static FrozenDictionary<string, (string ContentType, byte[] Content)> ByPath(bool linkOrleansDashboard)
    {
        var index = Page(linkOrleansDashboard);
        return new Dictionary<string, (string, byte[])>(StringComparer.Ordinal)
        {
            ["/"] = ("text/html; charset=utf-8", index),
            ["/dashboard"] = ("text/html; charset=utf-8", index),
            ["/dashboard.js"] = ("text/javascript; charset=utf-8", Read("dashboard.js")),
            ["/dashboard.css"] = ("text/css; charset=utf-8", Read("dashboard.css")),
            ["/favicon.svg"] = ("image/svg+xml", Read("favicon.svg")),
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Page(bool linkOrleansDashboard)
    {
        var page = Read("index.html");
        if (linkOrleansDashboard)
        {
            return page;
        }

        var text = Encoding.UTF8.GetString(page);
        var start = text.IndexOf(OrleansLinkStart, StringComparison.Ordinal);
        var end = text.IndexOf(OrleansLinkEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"The dashboard's index.html has lost its {OrleansLinkStart} markers.");
        }

        return Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, start), text.AsSpan(end + OrleansLinkEnd.Length)));
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
