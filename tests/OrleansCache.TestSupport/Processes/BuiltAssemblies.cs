namespace OrleansCache.TestSupport.Processes;

/// <summary>Finds executables built from this repository, in the same configuration as the calling tests.</summary>
public static class BuiltAssemblies
{
    /// <summary>
    /// The path of <c>{project}/bin/{configuration}/net10.0/{assemblyName}.dll</c>, <paramref name="project"/> relative to
    /// the repository root. The calling test project must reference that project (with
    /// <c>ReferenceOutputAssembly="false"</c>) so it is built first.
    /// </summary>
    /// <exception cref="FileNotFoundException">It is not built.</exception>
    public static string PathOf(string project, string assemblyName)
    {
        var path = Path.Combine(RepositoryRoot(), project, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assemblyName} is not built; reference {project} from the test project.", path);
    }

    /// <summary>The configuration the calling tests were built in (<c>Release</c>, <c>Debug</c>), from their output folder.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The repository root: the nearest folder above the test binaries that holds <c>OrleansCache.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OrleansCache.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansCache.sln above {AppContext.BaseDirectory}: the repository root was not found.");
    }
}
