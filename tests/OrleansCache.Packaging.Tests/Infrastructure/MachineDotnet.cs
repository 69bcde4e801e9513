namespace OrleansCache.Packaging.Tests.Infrastructure;

/// <summary>Where this machine's .NET lives, as a user's shell would find it.</summary>
internal static class MachineDotnet
{
    /// <summary>
    /// The .NET root the tests run on (the folder of the dotnet executable), for DOTNET_ROOT of an installed tool's
    /// launcher: <c>{root}/shared/Microsoft.NETCore.App/{version}/System.Private.CoreLib.dll</c>.
    /// </summary>
    public static string Root => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    /// <summary>The global packages folder NuGet uses on this machine (what <c>dotnet nuget locals global-packages --list</c> prints).</summary>
    public static async Task<string> GlobalPackagesFolderAsync(string workingDirectory)
    {
        var listed = (await Dotnet.RunAsync(workingDirectory, null, "nuget", "locals", "global-packages", "--list")).EnsureSucceeded();
        const string Prefix = "global-packages:";
        var line = listed.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No global packages folder in:\n{listed.Output}");
        return line[Prefix.Length..].Trim();
    }
}
