using System.Collections.Frozen;

namespace OrleansCache.Silo.Http;

/// <summary>The dashboard's files, embedded in this assembly: plain HTML, CSS and JavaScript, nothing to build, no CDN.</summary>
internal static class DashboardAssets
{
    /// <summary>The page loads its own files and data only: even an escaping bug could not pull in script from elsewhere.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string ResourcePrefix = "OrleansCache.Silo.Dashboard.";

    /// <summary>Request path → (content type, bytes).</summary>
    public static readonly FrozenDictionary<string, (string ContentType, byte[] Content)> ByPath = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal)
    {
        ["/"] = ("text/html; charset=utf-8", Read("index.html")),
        ["/dashboard"] = ("text/html; charset=utf-8", Read("index.html")),
        ["/dashboard.js"] = ("text/javascript; charset=utf-8", Read("dashboard.js")),
        ["/dashboard.css"] = ("text/css; charset=utf-8", Read("dashboard.css")),
        ["/favicon.svg"] = ("image/svg+xml", Read("favicon.svg")),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
