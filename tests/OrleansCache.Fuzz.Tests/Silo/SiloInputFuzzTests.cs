using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Fuzz.Tests.Messaging;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Fuzzing;
using OrleansCache.TestSupport.Metrics;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>
/// A real two-silo cluster, and fuzzed connections to its gateway and silo ports over raw sockets: handshakes right and
/// wrong, requests with odd fields and argument bytes, pushes on every stream, mutated and misframed bytes. Every
/// well-formed request is answered, every malformed connection is closed (and only it), rejections are counted, nothing
/// is logged as an error, and afterwards the cluster serves a normal client as before (G8).
/// </summary>
public sealed class SiloInputFuzzTests
{
    // Not an interesting value (0, 1, 2^32, ulong.MaxValue, ...): a mutated request may carry any of those as its id.
    private const ulong ProbeId = 0x5EED_F00D_1234_5678;

    [Fact]
    public async Task RawConnections_FuzzedHandshakesRequestsAndPushes_AreAnsweredOrRejected_ClusterKeepsServing()
    {
        using var runtime = new MetricTotals("OrleansCache.Runtime", "reason");
        using var logs = new LogCapture();
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using var cluster = await TestCluster.StartAsync(silos: 2, o => o.LoggerFactory = logs.Factory, TestContext.Current.CancellationToken);
            await AssertClusterStillServesAsync(cluster);
            var openBefore = runtime.Get("orleanscache.connections.open");
            var options = new FuzzOptions("silo-connections", ciInputs: 2000) { Parallelism = 3, CaseTimeout = TimeSpan.FromSeconds(60) };

            var report = await Fuzzer.RunAsync(options, (random, index, token) => RunCaseAsync(cluster, random, index, token), TestContext.Current.CancellationToken);

            report.Publish();
            TestContext.Current.SendDiagnosticMessage($"silo-connections: runtime counters by reason: {runtime.DescribeByTag()}; warnings: {logs.DescribeWarnings()}");
            await AssertClusterStillServesAsync(cluster);
            // Every fuzzed connection was closed and released: only the cluster's own remain.
            await runtime.WhenAsync("orleanscache.connections.open", open => open == openBefore, TimeSpan.FromSeconds(60));
            Assert.True(runtime.Get("orleanscache.connections.rejected") > 0 && runtime.Get("orleanscache.calls.rejected") > 0, runtime.DescribeByTag());
            foreach (var reason in new[] { "protocol_violation", "handshake_refused", "unknown_grain_type", "unknown_method" })
            {
                Assert.True(runtime.ByTag.GetValueOrDefault(reason) > 0, $"no rejection counted as {reason}: {runtime.DescribeByTag()}");
            }

            Assert.True(report.Count("structured:answered") > 0 && report.Count("mutated:answered") > 0 && report.Count("misframed:closed") > 0, report.ToString());
            Assert.Empty(logs.Errors);
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Empty(unobserved);
    }

    private static async Task<string> RunCaseAsync(TestCluster cluster, Random random, long index, CancellationToken cancellationToken)
    {
        var silo = random.Pick(cluster.Silos);
        var role = random.OneIn(3) ? PeerRole.Silo : PeerRole.Client;
        await using var peer = await RawPeer.ConnectAsync(role == PeerRole.Silo ? silo.Address.EndPoint : silo.GatewayEndPoint, cancellationToken);
        var hello = SiloInputGenerator.Hello(cluster.Options.ClusterId, role, index);
        return random.Next(10) switch
        {
            < 5 => await StructuredAsync(peer, random, role, hello, cancellationToken),
            < 8 => await MutatedAsync(peer, random, role, hello, index, cancellationToken),
            8 => await BadHelloAsync(peer, random, hello, index, cancellationToken),
            _ => await MisframedAsync(peer, random, hello, cancellationToken),
        };
    }

    /// <summary>A correct handshake, then well-formed frames with odd contents: every request must get its answer.</summary>
    private static async Task<string> StructuredAsync(RawPeer peer, Random random, PeerRole role, Hello hello, CancellationToken cancellationToken)
    {
        var frames = new List<byte>(EnvelopeCorpus.Frame(new Envelope { Hello = hello }.ToByteArray()));
        var requests = new Dictionary<ulong, Request>();
        for (var i = random.Next(1, 7); i > 0; i--)
        {
            var envelope = new Envelope();
            switch (random.Next(6))
            {
                case 0:
                    envelope.Push = SiloInputGenerator.Push(random, role);
                    break;
                case 1:
                    envelope.Ping = new Ping { Nonce = (ulong)random.Next() };
                    break;
                default:
                    var request = SiloInputGenerator.Request(random, (ulong)requests.Count + 1, boundedWaits: true);
                    requests[request.Id] = request;
                    envelope.Request = request;
                    break;
            }

            frames.AddRange(EnvelopeCorpus.Frame(envelope.ToByteArray()));
        }

        Assert.True(await peer.SendAsync(frames.ToArray(), cancellationToken), "The silo closed a connection that had sent nothing wrong.");
        var welcome = await peer.ReceiveAsync(cancellationToken);
        while (welcome?.Ping is not null)
        {
            // Keep-alive may ping before the Welcome when the machine is slow; that is allowed.
            welcome = await peer.ReceiveAsync(cancellationToken);
        }

        if (welcome?.Welcome is not { Rejection.Length: 0 })
        {
            throw new InvalidOperationException($"A correct Hello got {welcome?.ToString() ?? "a closed connection"} instead of a Welcome.");
        }

        while (requests.Count > 0)
        {
            var envelope = await peer.ReceiveAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The silo closed a well-formed connection with {requests.Count} requests unanswered: {string.Join("; ", requests.Values)}");
            if (envelope.Response is { } response && requests.Remove(response.Id, out var request))
            {
                if (response.Failure is { } failure && (failure.Kind == FailureKind.Unspecified || !Enum.IsDefined(failure.Kind)))
                {
                    throw new InvalidOperationException($"Request {request} failed without a kind: {failure}");
                }
            }
        }

        return "structured:answered";
    }

    /// <summary>Frames whose payloads are mutated (framing intact), then a probe: the silo answers it or closes.</summary>
    private static async Task<string> MutatedAsync(RawPeer peer, Random random, PeerRole role, Hello hello, long index, CancellationToken cancellationToken)
    {
        var frames = new List<byte>(EnvelopeCorpus.Frame(random.OneIn(10) ? ByteMutator.Mutate(random, new Envelope { Hello = hello }.ToByteArray()) : new Envelope { Hello = hello }.ToByteArray()));
        var corpus = new List<byte[]>();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var envelope = random.Next(4) switch
            {
                0 => new Envelope { Push = SiloInputGenerator.Push(random, role) },
                1 => EnvelopeCorpus.RandomEnvelope(random),
                _ => new Envelope { Request = SiloInputGenerator.Request(random, (ulong)random.Next(1, 1000), boundedWaits: false) },
            };
            corpus.Add(envelope.ToByteArray());
        }

        foreach (var payload in corpus)
        {
            frames.AddRange(EnvelopeCorpus.Frame(random.OneIn(4) ? payload : ByteMutator.Mutate(random, payload, corpus)));
        }

        return await ProbeAsync(peer, frames, index, "mutated", cancellationToken);
    }

    /// <summary>A first frame that is not a correct Hello: the silo refuses (with a Welcome saying why, or by closing).</summary>
    private static async Task<string> BadHelloAsync(RawPeer peer, Random random, Hello hello, long index, CancellationToken cancellationToken)
    {
        var first = random.Next(4) switch
        {
            0 => new Envelope { Hello = new Hello(hello) { ClusterId = random.Pick(InterestingValues.Strings) } }.ToByteArray(),
            1 => new Envelope { Hello = new Hello(hello) { ProtocolVersion = random.Pick(InterestingValues.UInt32s), Role = (PeerRole)random.Next(0, 5) } }.ToByteArray(),
            2 => EnvelopeCorpus.RandomEnvelope(random).ToByteArray(),
            _ => ByteMutator.Mutate(random, new Envelope { Hello = hello }.ToByteArray()),
        };

        return await ProbeAsync(peer, [.. EnvelopeCorpus.Frame(first)], index, "bad-hello", cancellationToken);
    }

    /// <summary>Bytes with lengths that do not match (after a correct Hello or not), then the end of the stream: the silo closes.</summary>
    private static async Task<string> MisframedAsync(RawPeer peer, Random random, Hello hello, CancellationToken cancellationToken)
    {
        var bytes = FrameStreamGenerator.Generate(random);
        if (random.OneIn(2))
        {
            bytes = [.. EnvelopeCorpus.Frame(new Envelope { Hello = hello }.ToByteArray()), .. bytes];
        }

        await peer.SendAsync(bytes, cancellationToken);
        peer.EndSending();
        while (await peer.ReceiveAsync(cancellationToken) is not null)
        {
        }

        return "misframed:closed";
    }

    /// <summary>Sends the frames and a probe request; the case ends when the probe is answered or the silo closes.</summary>
    private static async Task<string> ProbeAsync(RawPeer peer, List<byte> frames, long index, string kind, CancellationToken cancellationToken)
    {
        var probe = new Request
        {
            Id = ProbeId,
            GrainType = GrainInterfaceDescriptorOf<ICacheEntryGrain>(),
            GrainKey = "probe:" + index.ToString(CultureInfo.InvariantCulture),
            Method = nameof(ICacheEntryGrain.GetVersionAsync),
            TimeoutMs = 20_000,
        };
        frames.AddRange(EnvelopeCorpus.Frame(new Envelope { Request = probe }.ToByteArray()));
        if (!await peer.SendAsync(frames.ToArray(), cancellationToken))
        {
            return kind + ":closed";
        }

        while (await peer.ReceiveAsync(cancellationToken) is { } envelope)
        {
            if (envelope.Response?.Id == ProbeId)
            {
                return envelope.Response.Failure is null ? kind + ":answered" : throw new InvalidOperationException($"The probe failed: {envelope.Response.Failure}");
            }
        }

        return kind + ":closed";
    }

    /// <summary>
    /// Normal clients still read and write through every gateway to grains on every silo (which also opens the silos'
    /// connections to each other), and every grain the fuzzer touched still answers.
    /// </summary>
    private static async Task AssertClusterStillServesAsync(TestCluster cluster)
    {
        var token = TestContext.Current.CancellationToken;
        foreach (var silo in cluster.Silos)
        {
            var key = cluster.KeyOwnedBy<ICacheEntryGrain>(silo, "serving");
            await cluster.Cache.SetAsync(key, "still serving", cancellationToken: token);
            Assert.Equal("still serving", await cluster.Cache.GetAsync<string>(key, token));
            Assert.Equal(1, (await cluster.Client.GetGrain<ICacheEntryGrain>(key).GetVersionAsync().WaitAsync(TimeSpan.FromSeconds(30), token)).Change);
        }

        foreach (var fuzzed in SiloInputGenerator.Keys)
        {
            await cluster.Client.GetGrain<ICacheEntryGrain>(fuzzed).GetVersionAsync().WaitAsync(TimeSpan.FromSeconds(30), token);
        }
    }

    private static string GrainInterfaceDescriptorOf<T>() => Core.Proxies.GrainInterfaceDescriptor.For(typeof(T)).GrainType;
}
