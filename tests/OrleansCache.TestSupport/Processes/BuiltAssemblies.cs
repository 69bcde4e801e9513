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
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OrleansCache.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("The repository root was not found."), project, "bin", configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assemblyName} is not built; reference {project} from the test project.", path);
    }
}
