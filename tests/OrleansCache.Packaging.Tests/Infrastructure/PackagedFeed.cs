using System.Diagnostics;
using System.Globalization;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>
/// The solution's packages, made once for the tests that share this fixture: <c>dotnet pack OrleansCache.sln --no-build</c>
/// (the test project references every packable project, so they are built) into a temporary folder that serves as a
/// package source. The version is new for every run, so no copy cached by an earlier run (in a global packages folder)
/// can stand in for the packages under test.
/// </summary>
public sealed class PackagedFeed : IAsyncLifetime
{
    /// <summary>Every package the solution ships, by PackageId: a new packable project must be added here and to docs/packages.md.</summary>
    public static readonly IReadOnlyList<string> ExpectedPackages =
    [
        "OrleansCache.Cli",
        "OrleansCache.Client",
        "OrleansCache.Grains",
        "OrleansCache.Grains.Interfaces",
        "OrleansCache.Hybrid",
        "OrleansCache.Redis",
        "OrleansCache.TestingHost",
    ];

    /// <summary>The temporary folder everything of this fixture lives in, deleted at the end.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("orleanscache-packages-").FullName;

    /// <summary>The folder the packages were written to: a local package source.</summary>
    public string Folder => Path.Combine(Root, "feed");

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; } = string.Create(CultureInfo.InvariantCulture, $"0.0.1-packagetest.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.ProcessId}");

    /// <summary>How long dotnet pack took.</summary>
    public TimeSpan PackTime { get; private set; }

    /// <summary>The path of the package <paramref name="id"/>.</summary>
    public string PathOf(string id, string extension = ".nupkg") => Path.Combine(Folder, $"{id}.{Version}{extension}");

    public async ValueTask InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        var repository = BuiltAssemblies.RepositoryRoot();
        var result = await Dotnet.RunAsync(
            repository,
            null,
            "pack",
            Path.Combine(repository, "OrleansCache.sln"),
            "-c",
            BuiltAssemblies.Configuration,
            "--no-build",
            "-o",
            Folder,
            $"-p:Version={Version}",
            // The generated .nuspec files and the tool's publish folder go here too, not into the projects' folders
            // that other builds and tests use.
            $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}{Path.DirectorySeparatorChar}",
            $"-p:PublishDir={Path.Combine(Root, "publish")}{Path.DirectorySeparatorChar}",
            "-v",
            "quiet");
        result.EnsureSucceeded();
        PackTime = watch.Elapsed;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process of a failed test may still hold a file; the temporary folder is the system's to clean then.
        }

        return ValueTask.CompletedTask;
    }
}
