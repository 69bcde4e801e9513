using System.Xml.Linq;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Cache.Tests.Unit;

/// <summary>
/// The product runs on Microsoft Orleans: the grain runtime of our own (src/Core, src/Runtime) is gone and nothing
/// refers to it (docs/adr/0049).
/// </summary>
public sealed class RepositoryLayoutTests
{
    private static readonly string[] RetiredProjects = ["OrleansCache.Core", "OrleansCache.Runtime"];

    [Fact]
    public void RetiredRuntimeFolders_DoNotExist()
    {
        var root = BuiltAssemblies.RepositoryRoot();

        Assert.False(Directory.Exists(Path.Combine(root, "src", "Core")), "src/Core still exists.");
        Assert.False(Directory.Exists(Path.Combine(root, "src", "Runtime")), "src/Runtime still exists.");
    }

    [Fact]
    public void NoProject_ReferencesTheRetiredRuntime()
    {
        var root = BuiltAssemblies.RepositoryRoot();
        var projects = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(projects);
        var offending = (
            from project in projects
            from reference in XDocument.Load(project).Descendants("ProjectReference")
            let include = (string?)reference.Attribute("Include") ?? ""
            where RetiredProjects.Any(retired => include.Contains(retired, StringComparison.OrdinalIgnoreCase))
            select $"{Path.GetRelativePath(root, project)} -> {include}").ToList();
        Assert.Empty(offending);
        Assert.DoesNotContain(RetiredProjects, retired => File.ReadAllText(Path.Combine(root, "OrleansCache.sln")).Contains(retired, StringComparison.Ordinal));
    }
}
