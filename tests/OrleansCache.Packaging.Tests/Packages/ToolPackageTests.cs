using OrleansCache.Packaging.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Packaging.Tests.Packages;

/// <summary>The tool package, installed the way docs/cli.md says.</summary>
[Collection(PackagesCollection.Name)]
public sealed class ToolPackageTests(PackagedFeed feed)
{
    [Fact]
    public async Task ToolPackage_InstalledWithDotnetToolInstall_RunsAsOrleansCache()
    {
        var tools = Path.Combine(feed.Root, "tools");
        // A packages folder of the install's own, so the machine's global one is left as it was.
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(feed.Root, "tool-packages") };

        (await Dotnet.RunAsync(feed.Root, isolated, "tool", "install", "--tool-path", tools, "OrleansCache.Cli", "--add-source", feed.Folder, "--version", feed.Version)).EnsureSucceeded();

        var launcher = Path.Combine(tools, "orleans-cache");
        Assert.True(File.Exists(launcher), $"dotnet tool install made no {launcher}.");
        var environment = new Dictionary<string, string> { ["DOTNET_ROOT"] = MachineDotnet.Root };
        var help = await Dotnet.RunProgramAsync(launcher, feed.Root, environment, TimeSpan.FromMinutes(1), "--help");
        var completion = await Dotnet.RunProgramAsync(launcher, feed.Root, environment, TimeSpan.FromMinutes(1), "completion", "bash");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("orleans-cache [command] [options]", help.Output, StringComparison.Ordinal);
        Assert.Contains("members", help.Output, StringComparison.Ordinal);
        Assert.Equal(0, completion.ExitCode);
        Assert.Contains("complete -F _orleans_cache orleans-cache", completion.Output, StringComparison.Ordinal);
    }
}
