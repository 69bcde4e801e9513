namespace OrleansCache.Cli.Tests.Infrastructure;

/// <summary>Where the tool is built: <c>src/Cli/bin/{configuration}/net10.0/OrleansCache.Cli.dll</c>, in the tests' configuration.</summary>
internal static class BuiltTool
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "OrleansCache.sln")))
        {
            root = root.Parent;
        }

        var path = System.IO.Path.Combine(root?.FullName ?? throw new InvalidOperationException("The repository root was not found."), "src", "Cli", "bin", configuration, "net10.0", "OrleansCache.Cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The tool is not built; build tests/OrleansCache.Cli.Tests (it references src/Cli).", path);
    }
}
