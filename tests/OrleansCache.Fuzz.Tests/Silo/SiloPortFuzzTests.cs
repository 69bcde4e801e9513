using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansCache.Client;
using OrleansCache.TestSupport.Fuzzing;
using OrleansCache.TestSupport.Http;
using OrleansCache.TestSupport.Network;
using OrleansCache.TestSupport.Processes;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>
/// Both ports of a real silo process (silo-to-silo and gateway) under raw TCP: random bytes, preamble headers of every
/// declared length followed by too few, enough or too many bytes, truncated headers, a real client's preamble mutated
/// or followed by garbage, and connections that send nothing. The silo closes every connection that is not a real
/// peer within a bound (idle and half-sent ones after <c>Cache:ConnectionPreambleTimeout</c>, counted), keeps running,
/// and a client connected throughout and a new one both read and write afterwards.
/// </summary>
public sealed class SiloPortFuzzTests
{
    /// <summary>The preamble timeout the silo runs with here (default 10 s; shorter keeps the run short).</summary>
    private static readonly TimeSpan PreambleTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after connecting the silo may take to close a connection that is not a real peer: the preamble
    /// timeout plus generous slack for a machine shared with other builds. Without the guard it would be forever.
    /// </summary>
    private static readonly TimeSpan CloseBound = PreambleTimeout + TimeSpan.FromSeconds(10);

    private const int IdlePerPort = 12;

    [Fact]
    public async Task BadBytesAndIdleConnectionsOnBothPorts_AreClosedWithinTheBound_AndTheSiloKeepsServing()
    {
        var token = TestContext.Current.CancellationToken;
        var clusterId = $"fuzz-{Guid.NewGuid():N}";
        var (siloPort, gatewayPort, httpPort) = (FreePorts.Take(), FreePorts.Take(), FreePorts.Take());
        await using var silo = await SiloProcess.StartAsync(
            "--cluster-id", clusterId, "--silo-port", Text(siloPort), "--gateway-port", Text(gatewayPort),
            "--http", "true", "--http-port", Text(httpPort),
            $"--Cache:ConnectionPreambleTimeout={PreambleTimeout:c}");
        using var before = await StartClientAsync(silo.Gateway, clusterId, token);
        await before.Services.GetRequiredService<IOrleansCache>().SetAsync("fuzz:before", "kept", cancellationToken: token);
        var realPreamble = await PreambleRecorder.RecordClientPreambleAsync(clusterId, token);

        // Connections that send nothing, part of a header, or a header and part of what it declares; checked at the end.
        var idle = new List<(string Port, RawPeer Peer, Task<TimeSpan> Closed)>();
        foreach (var (name, port) in new[] { ("silo", siloPort), ("gateway", gatewayPort) })
        {
            for (var i = 0; i < IdlePerPort; i++)
            {
                var peer = await RawPeer.ConnectAsync(port, token);
                await peer.SendAsync((i % 3) switch { 0 => Array.Empty<byte>(), 1 => new byte[] { 0x64 }, _ => [0x64, 0, 0, 0, 1, 2, 3] }, token);
                idle.Add((name, peer, peer.ClosedBySiloAsync(CloseBound, token)));
            }
        }

        var closeTimes = new ConcurrentBag<TimeSpan>();
        var options = new FuzzOptions("silo-ports", ciInputs: 200) { Parallelism = 16, CaseTimeout = CloseBound + TimeSpan.FromSeconds(20) };
        var report = await Fuzzer.RunAsync(options, async (random, index, ct) =>
        {
            var input = SiloInputGenerator.Next(random, realPreamble);
            var (portName, port) = random.OneIn(2) ? ("silo", siloPort) : ("gateway", gatewayPort);
            using var peer = await RawPeer.ConnectAsync(port, ct);
            var sent = await peer.SendAsync(input.Bytes, ct);
            var mode = random.Next(3);
            if (mode == 0)
            {
                // Sent and gone.
                return $"{portName}:{input.Kind}:abandoned";
            }

            if (mode == 1 && sent)
            {
                peer.EndSending();
            }

            try
            {
                closeTimes.Add(await peer.ClosedBySiloAsync(input.MayBeAccepted ? PreambleTimeout + TimeSpan.FromSeconds(1) : CloseBound, ct));
                return $"{portName}:{input.Kind}:closed";
            }
            catch (TimeoutException) when (input.MayBeAccepted)
            {
                // What started as a real client's preamble may still be one: a real peer may stay.
                return $"{portName}:{input.Kind}:kept_open";
            }
            catch (TimeoutException ex)
            {
                throw new InvalidOperationException($"The silo kept a {input.Kind} connection on its {portName} port open past {CloseBound.TotalSeconds:0} s ({input.Bytes.Length} bytes: {Convert.ToBase64String(input.Bytes.AsSpan(0, Math.Min(64, input.Bytes.Length)))}...).", ex);
            }
        }, token);

        // Every idle connection was closed by the silo within the bound.
        var idleTimes = new List<TimeSpan>();
        foreach (var (port, peer, closed) in idle)
        {
            try
            {
                idleTimes.Add(await closed);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"An idle connection on the {port} port was still open {CloseBound.TotalSeconds:0} s after it was made (seed {options.Seed}).");
            }
            finally
            {
                peer.Dispose();
            }
        }

        report.Publish();
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"silo-ports (seed {options.Seed}): idle connections closed after {idleTimes.Min().TotalSeconds:0.00}-{idleTimes.Max().TotalSeconds:0.00} s; fuzzed connections closed by the silo after at most {(closeTimes.IsEmpty ? 0 : closeTimes.Max().TotalSeconds):0.00} s"));
        Assert.All(idleTimes, t => Assert.True(t >= PreambleTimeout - TimeSpan.FromMilliseconds(100), $"an idle connection was closed after {t.TotalSeconds:0.00} s, before the preamble timeout"));
        Assert.True(report.Outcomes.Keys.Count(k => k.EndsWith(":closed", StringComparison.Ordinal)) >= 8, report.ToString());

        // The silo is alive and serving: the client connected throughout and a new one both read and write.
        Assert.False(silo.HasExited, "the silo exited");
        var cache = before.Services.GetRequiredService<IOrleansCache>();
        await cache.SetAsync("fuzz:during", "written", cancellationToken: token);
        using var after = await StartClientAsync(silo.Gateway, clusterId, token);
        var fresh = after.Services.GetRequiredService<IOrleansCache>();
        Assert.Equal("kept", await fresh.GetAsync<string>("fuzz:before", token));
        Assert.Equal("written", await fresh.GetAsync<string>("fuzz:during", token));
        await fresh.SetAsync("fuzz:after", "fine", cancellationToken: token);
        Assert.Equal("fine", await cache.GetAsync<string>("fuzz:after", token));

        // The idle connections were counted, on the right port.
        var metrics = await SiloHttp.ScrapeUntilAsync(
            $"127.0.0.1:{Text(httpPort)}",
            m => m.Sum("orleanscache_connections_rejected_total", ("reason", "preamble_timeout"), ("port", "silo")) >= IdlePerPort
                && m.Sum("orleanscache_connections_rejected_total", ("reason", "preamble_timeout"), ("port", "gateway")) >= IdlePerPort,
            "every idle connection counted as rejected",
            token);
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"silo-ports: rejected for preamble_timeout: silo {metrics.Sum("orleanscache_connections_rejected_total", ("port", "silo"))}, gateway {metrics.Sum("orleanscache_connections_rejected_total", ("port", "gateway"))}"));
        Assert.DoesNotContain(silo.Output, l => l.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase));
        await after.StopAsync(token);
        await before.StopAsync(token);
    }

    private static async Task<IHost> StartClientAsync(string gateway, string clusterId, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOrleansCacheClient(o =>
        {
            o.Gateways.Add(gateway);
            o.ClusterId = clusterId;
        }, client => client.UseConnectionRetryFilter((_, _) => Task.FromResult(false)));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
