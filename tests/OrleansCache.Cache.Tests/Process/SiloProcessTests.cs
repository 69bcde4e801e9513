using System.Diagnostics;
using System.Text.RegularExpressions;
using OrleansCache.Client;
using Xunit;

namespace OrleansCache.Cache.Tests.Process;

/// <summary>The README's first command: a real silo process serving the cache, stopped by SIGTERM.</summary>
public sealed partial class SiloProcessTests
{
    [Fact]
    public async Task SiloExecutable_ServesTheCache_AndStopsGracefullyOnSigterm()
    {
        var clusterId = $"smoke-{Guid.NewGuid():N}";
        using var silo = StartSilo("--cluster-id", clusterId, "--silo-port", "0", "--gateway-port", "0");
        var output = new SiloOutput(silo);

        var listening = await output.WaitForAsync(GatewayPortPattern());
        var gateway = $"127.0.0.1:{listening.Groups[1].Value}";
        var options = new OrleansCacheClientOptions { ClusterId = clusterId };
        options.Gateways.Add(gateway);
        await using (var writer = OrleansCacheFactory.Create(options))
        await using (var reader = OrleansCacheFactory.Create(options))
        {
            await writer.SetAsync("smoke:1", "works", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("works", await reader.GetAsync<string>("smoke:1", TestContext.Current.CancellationToken));
        }

        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", silo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await silo.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await output.WaitForAsync(StoppedPattern());
        Assert.Equal(0, silo.ExitCode);
    }

    [Fact]
    public async Task SiloExecutable_WithInvalidSettings_ExitsWithAMessageNamingTheSetting()
    {
        using var silo = StartSilo("--silo-port", "70000", "--gateway-port", "0");
        var output = new SiloOutput(silo);

        await silo.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.NotEqual(0, silo.ExitCode);
        await output.WaitForAsync(new Regex("SiloPort", RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    private static System.Diagnostics.Process StartSilo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return System.Diagnostics.Process.Start(start)!;
    }

    /// <summary>The silo built alongside these tests, in the same configuration.</summary>
    private static string SiloAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OrleansCache.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root!.FullName, "src", "Silo", "bin", configuration, "net10.0", "OrleansCache.Silo.dll");
        Assert.True(File.Exists(path), $"The silo executable is not built at {path}.");
        return path;
    }

    [GeneratedRegex(@"gateway port (\d+)", RegexOptions.None, 1000)]
    private static partial Regex GatewayPortPattern();

    [GeneratedRegex(@"Silo .* stopped", RegexOptions.None, 1000)]
    private static partial Regex StoppedPattern();

    /// <summary>Collects the process's output and lets the test wait for a line.</summary>
    private sealed class SiloOutput
    {
        private readonly Lock _lock = new();
        private readonly List<string> _lines = [];
        private readonly List<(Regex Pattern, TaskCompletionSource<Match> Signal)> _waiters = [];

        public SiloOutput(System.Diagnostics.Process process)
        {
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Task<Match> WaitForAsync(Regex pattern)
        {
            lock (_lock)
            {
                foreach (var line in _lines)
                {
                    var match = pattern.Match(line);
                    if (match.Success)
                    {
                        return Task.FromResult(match);
                    }
                }

                var signal = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((pattern, signal));
                return signal.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                _lines.Add(line);
                foreach (var waiter in _waiters.ToList())
                {
                    var match = waiter.Pattern.Match(line);
                    if (match.Success)
                    {
                        waiter.Signal.TrySetResult(match);
                        _waiters.Remove(waiter);
                    }
                }
            }
        }
    }
}
