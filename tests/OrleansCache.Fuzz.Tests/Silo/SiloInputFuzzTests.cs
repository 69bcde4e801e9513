using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Security;
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RawConnections_FuzzedHandshakesRequestsAndPushes_AreAnsweredOrRejected_ClusterKeepsServing(bool authenticated)
    {
        using var runtime = new MetricTotals("OrleansCache.Runtime", "reason");
        using var logs = new LogCapture();
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            // With a shared secret, every connection must prove it before anything else is read (docs/adr/0020).
            var secret = authenticated ? "fuzz-secret-" + Guid.NewGuid().ToString("N") : null;
            await using var cluster = await TestCluster.StartAsync(silos: 2, o =>
            {
                o.LoggerFactory = logs.Factory;
                o.SharedSecret = secret;
            }, TestContext.Current.CancellationToken);
            var credential = ClusterCredential.From(secret, null);
            await AssertClusterStillServesAsync(cluster);
            var openBefore = runtime.Get("orleanscache.connections.open");
            var target = authenticated ? "silo-connections-authenticated" : "silo-connections";
            var options = new FuzzOptions(target, ciInputs: authenticated ? 1000 : 2000) { Parallelism = 3, CaseTimeout = TimeSpan.FromSeconds(60) };

            var report = await Fuzzer.RunAsync(options, (random, index, token) => RunCaseAsync(cluster, credential, random, index, token), TestContext.Current.CancellationToken);

            report.Publish();
            TestContext.Current.SendDiagnosticMessage($"{target}: runtime counters by reason: {runtime.DescribeByTag()}; warnings: {logs.DescribeWarnings()}");
            await AssertClusterStillServesAsync(cluster);

            // Every fuzzed connection was closed and released: only the cluster's own remain.
            await runtime.WhenAsync("orleanscache.connections.open", open => open == openBefore, TimeSpan.FromSeconds(60));
            Assert.True(runtime.Get("orleanscache.connections.rejected") > 0 && runtime.Get("orleanscache.calls.rejected") > 0, runtime.DescribeByTag());
            string[] reasons = authenticated
                ? ["protocol_violation", "handshake_refused", "auth", "unknown_grain_type", "unknown_method"]
                : ["protocol_violation", "handshake_refused", "unknown_grain_type", "unknown_method"];
            foreach (var reason in reasons)
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

    private static async Task<string> RunCaseAsync(TestCluster cluster, ClusterCredential? credential, Random random, long index, CancellationToken cancellationToken)
    {
        var silo = random.Pick(cluster.Silos);
        var role = random.OneIn(3) ? PeerRole.Silo : PeerRole.Client;
        await using var peer = await RawPeer.ConnectAsync(role == PeerRole.Silo ? silo.Address.EndPoint : silo.GatewayEndPoint, cancellationToken);
        var hello = SiloInputGenerator.Hello(cluster.Options.ClusterId, role, index);
        return random.Next(10) switch
        {
            < 5 => await StructuredAsync(peer, random, role, hello, credential, cancellationToken),
            < 8 => await MutatedAsync(peer, random, role, hello, credential, index, cancellationToken),
            8 => credential is null || random.OneIn(3)
                ? await BadHelloAsync(peer, random, hello, mustBeRefused: credential is not null, index, cancellationToken)
                : await BadAuthenticationAsync(peer, random, hello, credential, index, cancellationToken),
            _ => await MisframedAsync(peer, random, hello, cancellationToken),
        };
    }

    /// <summary>
    /// The connecting side of a correct handshake, proving <paramref name="credential"/> when there is one; throws if the
    /// silo does not accept it (or cannot prove the key itself).
    /// </summary>
    private static async Task HandshakeAsync(RawPeer peer, Random random, Hello hello, ClusterCredential? credential, CancellationToken cancellationToken)
    {
        if (credential is not null)
        {
            hello.AuthNonce = ByteString.CopyFrom(ByteMutator.RandomBytes(random, HandshakeProof.NonceLength));
        }

        Assert.True(await peer.SendAsync(EnvelopeCorpus.Frame(new Envelope { Hello = hello }.ToByteArray()), cancellationToken), "The silo closed a connection that had sent nothing wrong.");
        var answer = await ReceiveSkippingPingsAsync(peer, cancellationToken);
        if (credential is not null)
        {
            var nonce = answer?.AuthChallenge?.Nonce ?? throw new InvalidOperationException($"A Hello with a nonce got {answer?.ToString() ?? "a closed connection"} instead of a challenge.");
            var proof = HandshakeProof.Connecting(credential.Key, hello, nonce.Span);
            Assert.True(await peer.SendAsync(EnvelopeCorpus.Frame(new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(proof) } }.ToByteArray()), cancellationToken));
            answer = await ReceiveSkippingPingsAsync(peer, cancellationToken);
            if (answer?.Welcome is { Rejection.Length: 0 } welcome && !HandshakeProof.Matches(HandshakeProof.Accepting(credential.Key, hello, nonce.Span), welcome.AuthProof.Span))
            {
                throw new InvalidOperationException("The silo accepted the proof but did not prove the key itself.");
            }
        }

        if (answer?.Welcome is not { Rejection.Length: 0 })
        {
            throw new InvalidOperationException($"A correct handshake got {answer?.ToString() ?? "a closed connection"} instead of a Welcome.");
        }
    }

    /// <summary>The next envelope that is not a keep-alive ping (which may come at any time when the machine is slow).</summary>
    private static async Task<Envelope?> ReceiveSkippingPingsAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        var envelope = await peer.ReceiveAsync(cancellationToken);
        while (envelope?.Ping is not null)
        {
            envelope = await peer.ReceiveAsync(cancellationToken);
        }

        return envelope;
    }

    /// <summary>A correct handshake, then well-formed frames with odd contents: every request must get its answer.</summary>
    private static async Task<string> StructuredAsync(RawPeer peer, Random random, PeerRole role, Hello hello, ClusterCredential? credential, CancellationToken cancellationToken)
    {
        await HandshakeAsync(peer, random, hello, credential, cancellationToken);
        var frames = new List<byte>();
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
    private static async Task<string> MutatedAsync(RawPeer peer, Random random, PeerRole role, Hello hello, ClusterCredential? credential, long index, CancellationToken cancellationToken)
    {
        var frames = new List<byte>();
        if (credential is not null)
        {
            // Authenticated first: what comes after the handshake is what is fuzzed here.
            await HandshakeAsync(peer, random, hello, credential, cancellationToken);
        }
        else
        {
            frames.AddRange(EnvelopeCorpus.Frame(random.OneIn(10) ? ByteMutator.Mutate(random, new Envelope { Hello = hello }.ToByteArray()) : new Envelope { Hello = hello }.ToByteArray()));
        }

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

    /// <summary>
    /// A first frame that is not a correct Hello: the silo refuses (with a Welcome saying why, or by closing). A mutation
    /// may leave the Hello valid; with authentication required it is still refused, for it carries no proof.
    /// </summary>
    private static async Task<string> BadHelloAsync(RawPeer peer, Random random, Hello hello, bool mustBeRefused, long index, CancellationToken cancellationToken)
    {
        var first = random.Next(4) switch
        {
            0 => new Envelope { Hello = new Hello(hello) { ClusterId = random.Pick(InterestingValues.Strings) } }.ToByteArray(),
            1 => new Envelope { Hello = new Hello(hello) { ProtocolVersion = random.Pick(InterestingValues.UInt32s), Role = (PeerRole)random.Next(0, 5) } }.ToByteArray(),
            2 => EnvelopeCorpus.RandomEnvelope(random).ToByteArray(),
            _ => ByteMutator.Mutate(random, new Envelope { Hello = hello }.ToByteArray()),
        };

        var outcome = await ProbeAsync(peer, [.. EnvelopeCorpus.Frame(first)], index, "bad-hello", cancellationToken);

        // A mutated Hello may still be a valid one; but where a proof is required, one without it is never served.
        return mustBeRefused && outcome.EndsWith(":answered", StringComparison.Ordinal)
            ? throw new InvalidOperationException("A cluster that requires authentication served a connection that never proved the key.")
            : outcome;
    }

    /// <summary>
    /// A handshake with a cluster that requires authentication, gone wrong on purpose: no nonce, a nonce of the wrong
    /// length, a wrong proof (random, or right for another key or another Hello), or another frame instead of the proof.
    /// The silo must refuse every one of them, never welcome it.
    /// </summary>
    private static async Task<string> BadAuthenticationAsync(RawPeer peer, Random random, Hello hello, ClusterCredential credential, long index, CancellationToken cancellationToken)
    {
        var kind = random.Next(6);
        hello.AuthNonce = kind switch
        {
            0 => ByteString.Empty,
            1 => ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.Pick([1, 31, 33, 64]))),
            _ => ByteString.CopyFrom(ByteMutator.RandomBytes(random, HandshakeProof.NonceLength)),
        };
        Assert.True(await peer.SendAsync(EnvelopeCorpus.Frame(new Envelope { Hello = hello }.ToByteArray()), cancellationToken));
        var answer = await ReceiveSkippingPingsAsync(peer, cancellationToken);
        if (answer?.AuthChallenge is { } challenge)
        {
            var frame = kind switch
            {
                2 => new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.Pick([0, 32, 33]))) } },
                3 => new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(HandshakeProof.Connecting(ByteMutator.RandomBytes(random, 32), hello, challenge.Nonce.Span)) } },
                4 => new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(HandshakeProof.Connecting(credential.Key, new Hello(hello) { PeerName = hello.PeerName + "!" }, challenge.Nonce.Span)) } },
                _ => random.OneIn(2) ? new Envelope { Request = SiloInputGenerator.Request(random, 1, boundedWaits: true) } : EnvelopeCorpus.RandomEnvelope(random),
            };
            if (frame.BodyCase is Envelope.BodyOneofCase.Ping or Envelope.BodyOneofCase.Pong or Envelope.BodyOneofCase.Response)
            {
                // The connection itself takes these, and the silo would wait for the proof until its handshake timeout.
                frame = new Envelope { Request = SiloInputGenerator.Request(random, 1, boundedWaits: true) };
            }

            await peer.SendAsync(EnvelopeCorpus.Frame(frame.ToByteArray()), cancellationToken);
            answer = await ReceiveSkippingPingsAsync(peer, cancellationToken);
        }

        if (answer?.Welcome is { Rejection.Length: 0 })
        {
            throw new InvalidOperationException($"The silo welcomed a handshake without a valid proof (case kind {kind}).");
        }

        // Whatever else happens, the connection ends: a refusing Welcome then the close, or the close.
        while (await peer.ReceiveAsync(cancellationToken) is { } envelope)
        {
            if (envelope.Welcome is { Rejection.Length: 0 } || envelope.Response is not null)
            {
                throw new InvalidOperationException($"The silo served a connection that never proved the key: {envelope}");
            }
        }

        return "bad-authentication:refused";
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
