using System.Diagnostics;
using OrleansCache.Cli.Tests.Infrastructure;
using Xunit;

namespace OrleansCache.Cli.Tests.Unit;

/// <summary><c>completion bash|zsh|pwsh</c>: the bash script is run in bash, as a user's shell would run it.</summary>
public sealed class CompletionTests
{
    public static TheoryData<string[], string[]> Completions => new()
    {
        { ["inv"], ["invalidate"] },
        { ["s"], ["set", "stats"] },
        { ["set", "k", "v", "--as", ""], ["string", "json", "raw"] },
        { ["set", "k", "v", "--as", "j"], ["json"] },
        { ["invalidate", "--p"], ["--pattern", "--progress"] },
        { ["-g", "cache-1", "members", "--a"], ["--all"] },
        { ["completion", "z"], ["zsh"] },
        { ["completion", "p"], ["pwsh"] },
        { ["invalidate", "--wait", ""], [] },
        { ["members", "--json", "--time"], ["--timeout"] },
    };

    [Theory]
    [MemberData(nameof(Completions))]
    public async Task Bash_CompletesCommandsOptionsAndValues(string[] typed, string[] expected)
    {
        var script = await Tool.RunAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);

        var offered = await CompleteInBashAsync(script.Out, typed);

        Assert.Equal(expected.Order(StringComparer.Ordinal), offered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Zsh_LoadsTheSameFunctionThroughBashcompinit_AndPwsh_RegistersACompleter()
    {
        var zsh = await Tool.RunAsync("completion", "zsh");
        var pwsh = await Tool.RunAsync("completion", "pwsh");

        Assert.Equal(0, zsh.ExitCode);
        Assert.StartsWith("#compdef orleans-cache\n", zsh.Out, StringComparison.Ordinal);
        Assert.Contains("bashcompinit", zsh.Out, StringComparison.Ordinal);
        Assert.Contains("complete -F _orleans_cache orleans-cache", zsh.Out, StringComparison.Ordinal);
        Assert.Equal(0, pwsh.ExitCode);
        Assert.Contains("Register-ArgumentCompleter -Native -CommandName 'orleans-cache'", pwsh.Out, StringComparison.Ordinal);
        Assert.Contains("'invalidate' = @('--pattern', '--tag', '--all', '--wait'", pwsh.Out, StringComparison.Ordinal);
        Assert.Contains("'--as' = @('string', 'json', 'raw')", pwsh.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownShell_ExitsTwo_WithOneLine()
    {
        var result = await Tool.RunAsync("completion", "fish");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.StartsWith("error: Argument 'fish' not recognized", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    /// <summary>Loads the script in bash and asks its function what to offer after <paramref name="typed"/> (the last word being completed).</summary>
    private static async Task<string[]> CompleteInBashAsync(string script, string[] typed)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleans-cache-completion-{Guid.NewGuid():N}.bash");
        await File.WriteAllTextAsync(path, script, TestContext.Current.CancellationToken);
        try
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("source \"$1\"; shift; COMP_WORDS=(orleans-cache \"$@\"); COMP_CWORD=$#; _orleans_cache; printf '%s\\n' \"${COMPREPLY[@]}\"");
            start.ArgumentList.Add("bash");
            start.ArgumentList.Add(path);
            foreach (var word in typed)
            {
                start.ArgumentList.Add(word);
            }

            using var bash = System.Diagnostics.Process.Start(start)!;
            var output = bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = bash.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await bash.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.True(bash.ExitCode == 0, await error);
            Assert.Empty(await error);
            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
