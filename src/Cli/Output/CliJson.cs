using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansCache.Cli.Output;

/// <summary>How --json output looks: camelCase, enums as names, nulls kept (a missing figure is visibly null).</summary>
internal static class CliJson
{
    /// <summary>One indented document per command.</summary>
    public static readonly JsonSerializerOptions Document = Create(indented: true);

    /// <summary>One compact object per line (watch).</summary>
    public static readonly JsonSerializerOptions Line = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            // Read by people and tools in a terminal, never embedded in HTML: keep quotes and non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
