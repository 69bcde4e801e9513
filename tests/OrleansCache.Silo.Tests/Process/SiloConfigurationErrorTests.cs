using System.Text.RegularExpressions;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Process;

/// <summary>Every setting that cannot work stops the silo at start with one line naming it, and exit code 2.</summary>
public sealed class SiloConfigurationErrorTests
{
    public static TheoryData<string[], string> BadSettings => new()
    {
        { ["--silo-port", "70000"], "error: Silo:SiloPort (--silo-port) must be from 1 to 65535; it is 70000." },
        { ["--silo-port", "abc"], "error: Failed to convert configuration value" },
        { ["--listen", "nowhere"], "error: Silo:ListenAddress (--listen) 'nowhere' is not an IP address" },
        { ["--silo-port", "23456", "--gateway-port", "23456"], "error: Silo:GatewayPort (--gateway-port) must differ from Silo:SiloPort (23456)." },
        { ["--primary", "not-an-endpoint"], "error: Silo:PrimarySilo (--primary) 'not-an-endpoint' is not host:port" },
        { ["--redis", "localhost:6379", "--primary", "127.0.0.1:11111"], "error: Silo:PrimarySilo (--primary) applies only without Redis" },
        { ["--redis-bridge", "true"], "error: RedisBridge:Enabled (--redis-bridge) needs Redis:ConnectionString (--redis)" },
        { ["--redis", "localhost:6379,nonsense=1"], "error: Redis:ConnectionString (--redis) cannot be read by StackExchange.Redis" },
        { ["--http", "true", "--http-port", "99999"], "error: Http:Port (--http-port) must be from 0 to 65535" },
        { ["--http", "true", "--Http:Token=short"], "error: Http:Token must be at least 16 characters" },
        { ["--tls-certificate", "/nonexistent/silo.pfx"], "error: Tls:CertificatePath (--tls-certificate) '/nonexistent/silo.pfx' does not exist." },
        { ["--tls-client-certificates", "required"], "error: Tls:CertificatePath (--tls-certificate) is required by the other Tls settings given" },
        { ["--silo-prot", "11112"], "error: Unknown argument '--silo-prot' (see --help)." },
        { ["--Cache:MaxKeyLength=0"], "error: Cache:MaxKeyLength must be from 1 to" },
        { ["--Tracing:OtlpEndpoint=collector:4317"], "error: Tracing:OtlpEndpoint must be an absolute http:// or https:// address" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Silo_WithASettingThatCannotWork_ExitsWithCode2AndOneLineNamingIt(string[] args, string expected)
    {
        // Free ports of their own where the case sets none, so the port check never adds a line about the defaults.
        List<string> all = [.. args];
        foreach (var port in new[] { "--silo-port", "--gateway-port" })
        {
            if (!all.Contains(port))
            {
                all.AddRange([port, FreePorts.Take().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
        }

        await using var silo = SiloProcess.Launch([.. all]);

        await silo.WaitForExitAsync();

        Assert.Equal(2, silo.ExitCode);
        var error = Assert.Single(silo.Output, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Output, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitingForALine_FromASiloThatEndsAtStart_FailsAsSoonAsItEnds()
    {
        // A test (or the fault runner's replacement of a silo) waiting for the silo to become active learns that it
        // ended, with its last lines, instead of waiting out the 60 s timeout.
        await using var silo = SiloProcess.Launch("--silo-port", "70000");

        var waiting = silo.WaitForOutputAsync(new Regex("gateway port", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await silo.WaitForExitAsync();

        var ended = await Assert.ThrowsAsync<SiloExitedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("error: Silo:SiloPort (--silo-port) must be from 1 to 65535", ended.Message, StringComparison.Ordinal);

        // Asked again after the end: at once too.
        await Assert.ThrowsAsync<SiloExitedException>(() => silo.WaitForOutputAsync(new Regex("never printed", RegexOptions.None, TimeSpan.FromSeconds(1))));
    }

    [Fact]
    public async Task Help_ExplainsSwitchesAndHowASecondSiloJoins()
    {
        await using var silo = SiloProcess.Launch("--help");

        await silo.WaitForExitAsync();

        Assert.Equal(0, silo.ExitCode);
        var help = string.Join('\n', silo.Output);
        Assert.Contains("--silo-port 11112 --gateway-port 30001 --primary 127.0.0.1:11111", help, StringComparison.Ordinal);
        Assert.Contains("--tls-client-certificates", help, StringComparison.Ordinal);
    }
}
