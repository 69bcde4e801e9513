using System.Security;

namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>
/// A user's app in a folder of its own (the <c>Consumer</c> template), restoring the OrleansCache packages from the
/// feed folder and everything else from the machine's configured registry, into a packages folder of its own.
/// </summary>
internal static class ConsumerProject
{
    /// <summary>Lays out the app in <paramref name="folder"/> and returns that folder.</summary>
    /// <param name="folder">An empty folder outside the repository.</param>
    /// <param name="feed">The folder the packages under test were packed to.</param>
    /// <param name="packagesFolder">The app's own global packages folder, so no earlier extraction is reused.</param>
    /// <param name="machinePackages">The machine's global packages folder: a read-only fallback, so packages already on the machine are not downloaded again.</param>
    public static string Create(string folder, string feed, string packagesFolder, string machinePackages)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Consumer")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        // Nothing from folders above (a stray Directory.Build.props in the temp folder) may change the build.
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n");

        // No <clear />: the machine's own sources (the user's NuGet.Config) stay, and the feed is added to them.
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{SecurityElement.Escape(packagesFolder)}" />
              </config>
              <packageSources>
                <add key="orleanscache-under-test" value="{SecurityElement.Escape(feed)}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{SecurityElement.Escape(machinePackages)}" />
              </fallbackPackageFolders>
            </configuration>

            """);
        return folder;
    }
}
