using System.Collections.Frozen;

namespace OrleansCache.Runtime.Http;

/// <summary>The dashboard's files, embedded in this assembly: plain HTML, CSS and JavaScript, nothing to build.</summary>
internal static class DashboardAssets
{
    private const string ResourcePrefix = "OrleansCache.Runtime.Http.Dashboard.";

    /// <summary>Request path → (content type, bytes).</summary>
    public static readonly FrozenDictionary<string, (string ContentType, byte[] Content)> ByPath = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal)
    {
        ["/"] = ("text/html; charset=utf-8", Read("index.html")),
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
