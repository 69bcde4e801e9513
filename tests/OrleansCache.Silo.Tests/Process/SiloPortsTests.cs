using System.Globalization;
using System.Text.RegularExpressions;
using OrleansCache.Silo.Tests.Infrastructure;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Silo.Tests.Process;

/// <summary>Several silo processes on one machine: ports of their own, the second joining through the first.</summary>
public sealed class SiloPortsTests
{
    [Fact]
    public async Task SecondSilo_WithItsOwnPortsAndPrimary_JoinsTheFirst_AndClientsOfEitherSeeOneCache()
    {
        var clusterId = $"ports-{Guid.NewGuid():N}";
        var (siloA, gatewayA, siloB, gatewayB) = (FreePorts.Take(), FreePorts.Take(), FreePorts.Take(), FreePorts.Take());
        await using var first = await SiloProcess.StartAsync("--cluster-id", clusterId, "--silo-port", Text(siloA), "--gateway-port", Text(gatewayA));
        await using var second = await SiloProcess.StartAsync("--cluster-id", clusterId, "--silo-port", Text(siloB), "--gateway-port", Text(gatewayB), "--primary", $"127.0.0.1:{Text(siloA)}");
        Assert.Equal(gatewayB, second.GatewayPort);

        var writer = await Clients.StartAsync(second.Gateway, clusterId);
        var reader = await Clients.StartAsync(first.Gateway, clusterId);
        try
        {
            var ct = TestContext.Current.CancellationToken;
            for (var i = 0; i < 20; i++)
            {
                await writer.Cache().SetAsync($"ports:{i}", i, cancellationToken: ct);
            }

            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(i, await reader.Cache().GetAsync<int>($"ports:{i}", ct));
            }
        }
        finally
        {
            await writer.StopQuietlyAsync();
            await reader.StopQuietlyAsync();
        }

        await second.TerminateAsync();
        await first.TerminateAsync();
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
    }

    [Fact]
    public async Task SecondSilo_OnPortsInUse_StopsWithOneLineNamingTheSwitch()
    {
        var (silo, gateway) = (FreePorts.Take(), FreePorts.Take());
        await using var first = await SiloProcess.StartAsync("--cluster-id", $"taken-{Guid.NewGuid():N}", "--silo-port", Text(silo), "--gateway-port", Text(gateway));

        await using var second = SiloProcess.Launch("--silo-port", Text(silo), "--gateway-port", Text(FreePorts.Take()));
        await second.WaitForExitAsync();

        Assert.Equal(2, second.ExitCode);
        var error = Assert.Single(second.Output, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Matches(new Regex($@"^error: Silo:SiloPort \(--silo-port\) {silo} is already in use", RegexOptions.None, TimeSpan.FromSeconds(1)), error);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
