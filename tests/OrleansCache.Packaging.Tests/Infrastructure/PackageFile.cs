using System.IO.Compression;
using System.Xml.Linq;

namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>A .nupkg read as what it is: a zip with a .nuspec manifest.</summary>
internal sealed class PackageFile
{
    private readonly IReadOnlyDictionary<string, string> _texts;

    private PackageFile(IReadOnlyList<string> entries, XElement metadata, IReadOnlyDictionary<string, string> texts)
    {
        Entries = entries;
        Metadata = metadata;
        _texts = texts;
    }

    /// <summary>The paths of the files in the package.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>The nuspec's <c>metadata</c> element.</summary>
    public XElement Metadata { get; }

    /// <summary>The text of the metadata element <paramref name="name"/> (empty when missing).</summary>
    public string this[string name] => Metadata.Element(Metadata.Name.Namespace + name)?.Value ?? "";

    /// <summary>The package's dependencies: id and version range, for every target framework.</summary>
    public IReadOnlyDictionary<string, string> Dependencies =>
        Metadata.Descendants(Metadata.Name.Namespace + "dependency")
            .GroupBy(d => (string)d.Attribute("id")!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (string)g.First().Attribute("version")!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The text of the file at <paramref name="entry"/> (only for .md, .xml and .nuspec files).</summary>
    public string TextOf(string entry) => _texts.TryGetValue(entry, out var text) ? text : throw new FileNotFoundException($"No text file {entry} in the package.", entry);

    public static PackageFile Open(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".md", StringComparison.Ordinal) || e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) || e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open());
            texts[entry.FullName] = reader.ReadToEnd();
        }

        var nuspec = texts.Single(t => t.Key.EndsWith(".nuspec", StringComparison.Ordinal) && !t.Key.Contains('/', StringComparison.Ordinal)).Value;
        var document = XDocument.Parse(nuspec);
        var metadata = document.Root!.Element(document.Root.Name.Namespace + "metadata") ?? throw new InvalidDataException($"{path} has no nuspec metadata.");
        return new PackageFile([.. zip.Entries.Select(e => e.FullName)], metadata, texts);
    }
}
