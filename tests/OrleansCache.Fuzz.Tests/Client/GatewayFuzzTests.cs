using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf;
using OrleansCache.Client;
using OrleansCache.Core;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Proxies;
using OrleansCache.Fuzz.Tests.Infrastructure;
using OrleansCache.Fuzz.Tests.Messaging;
using OrleansCache.Fuzz.Tests.Silo;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.Fuzzing;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Client;

/// <summary>
/// A cache client connected to a fake gateway that answers its handshake rightly or wrongly and then sends it fuzzed
/// frames: welcomes, cluster views with odd gateway lists, pushes, closings, and responses with mutated results or
/// failures of any kind. The client closes a broken connection and reconnects, its calls end with a result or one of
/// its typed exceptions, and nothing escapes unobserved.
/// </summary>
public sealed class GatewayFuzzTests
{
    private const string ClusterId = "fuzz";

    private static readonly string[] JsonFieldNames = ["Value", "Version", "ExpiresAt", "Tags", "Era", "Activation", "Change", "value"];

    [Fact]
    public async Task Client_FuzzedGatewayFrames_ClosesOrCarriesOn_CallsEndTyped()
    {
        var token = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var logs = new LogCapture();
        var options = new OrleansCacheClientOptions();
        options.Cluster.ClusterId = ClusterId;
        options.Cluster.Gateways.Add($"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        options.Cluster.ResponseTimeout = TimeSpan.FromSeconds(5);
        options.Cluster.ConnectTimeout = TimeSpan.FromSeconds(1);
        options.Cluster.MinReconnectDelay = TimeSpan.FromMilliseconds(1);
        options.Cluster.MaxReconnectDelay = TimeSpan.FromMilliseconds(20);
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using (var cache = OrleansCacheFactory.Create(options, loggerFactory: logs.Factory))
            {
                // The client connects once asked to; after that it reconnects by itself whenever a session ends.
                var firstConnect = cache.Cluster.ConnectAsync(token);
                var fuzz = new FuzzOptions("gateway-to-client", ciInputs: 150) { CaseTimeout = TimeSpan.FromSeconds(60) };
                var calls = new ConcurrentQueue<Task<string>>();
                var report = await Fuzzer.RunAsync(fuzz, (random, index, caseToken) => ServeOneConnectionAsync(listener, cache, calls, random, index, caseToken), token);

                // A call whose connection broke before its answer waits for the next one, which a later session serves:
                // so calls are awaited together at the end. Each ends within the client's response timeout.
                foreach (var outcome in (await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(2), token)).GroupBy(o => o))
                {
                    report.Add("call:" + outcome.Key, outcome.Count());
                }

                try
                {
                    await firstConnect;
                }
                catch (OrleansCacheException)
                {
                    // The first session refused the handshake; the client kept trying, and later sessions took it.
                }

                report.Publish();

                // Both ends of a session happen (the client keeps a connection through odd frames, and drops a broken
                // one), and calls end in several typed ways, successes included.
                Assert.True(report.Count("alive") > 0 && report.Count("closed-by-client") > 0, report.ToString());
                Assert.Contains(report.Outcomes.Keys, k => k.StartsWith("call:ok", StringComparison.Ordinal));
                Assert.True(report.Count("call:GrainCallException") > 0, report.ToString());
            }

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

    /// <summary>
    /// Accepts the client's next connection and plays one fuzzed gateway session on it: the handshake (right or wrong),
    /// a call from the client answered with a fuzzed response, fuzzed frames, then a ping to see whether the client
    /// kept the connection. The outcome names how the session and the call ended.
    /// </summary>
    private static async Task<string> ServeOneConnectionAsync(TcpListener listener, IOrleansCacheClient cache, ConcurrentQueue<Task<string>> calls, Random random, long index, CancellationToken cancellationToken)
    {
        await using var peer = RawPeer.Accepted(await AcceptAsync(listener, cache, calls, cancellationToken));
        var hello = await peer.ReceiveAsync(cancellationToken);
        if (hello?.Hello is not { Role: PeerRole.Client, ClusterId: ClusterId, ProtocolVersion: FrameCodec.ProtocolVersion })
        {
            throw new InvalidOperationException($"The client opened with {hello} rather than its Hello.");
        }

        var (welcome, accepted) = Welcome(random, ((IPEndPoint)listener.LocalEndpoint).Port);
        await peer.SendAsync(EnvelopeCorpus.Frame(welcome), cancellationToken);
        var session = new Session(peer, random);
        if (accepted)
        {
            // The client is connected: a call of its own now goes through this connection, and gets a fuzzed answer
            // (as does anything else it asks meanwhile, such as a retry or a revalidation).
            var pending = CallAsync(cache, random, "fuzz:" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            calls.Enqueue(pending);
            await session.AnswerUntilAsync(pending, cancellationToken);
        }

        var frames = new List<byte>();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            frames.AddRange(EnvelopeCorpus.Frame(FuzzedFrame(random, ((IPEndPoint)listener.LocalEndpoint).Port)));
        }

        var nonce = (ulong)random.NextInt64();
        frames.AddRange(EnvelopeCorpus.Frame(new Envelope { Ping = new Ping { Nonce = nonce } }.ToByteArray()));
        var sent = await peer.SendAsync(frames.ToArray(), cancellationToken);

        // The Pong says the client took every frame before it and kept the connection.
        var alive = sent && await session.AnswerUntilPongAsync(nonce, cancellationToken);
        return alive ? "alive" : "closed-by-client";
    }

    /// <summary>
    /// Accepts the client's next connection. A client whose last handshake was refused as a configuration error (e.g. a
    /// mutated Welcome that reads as an authentication refusal) stops retrying until it is asked again, so it is asked
    /// to connect, and asked again whenever an ask ends without a connection: an ask made while the previous session's
    /// refusal was still being read fails with that refusal (found by a replayed seed: the next case waited 60 s).
    /// </summary>
    private static async Task<Socket> AcceptAsync(TcpListener listener, IOrleansCacheClient cache, ConcurrentQueue<Task<string>> calls, CancellationToken cancellationToken)
    {
        var accept = listener.AcceptSocketAsync(cancellationToken).AsTask();
        while (true)
        {
            var ask = ConnectAsync(cache);
            calls.Enqueue(ask);
            if (await Task.WhenAny(accept, ask) == accept || await ask == "connect:ok")
            {
                return await accept;
            }
        }
    }

    /// <summary>A right Welcome mostly (true); now and then a refusal or mutated bytes (false).</summary>
    private static (byte[] Welcome, bool Accepted) Welcome(Random random, int ownPort)
    {
        var welcome = new Welcome { SiloAddress = "127.0.0.1:1@1", MembershipVersion = random.Pick(InterestingValues.Int64s) };
        welcome.Gateways.AddRange(Enumerable.Range(0, random.Next(3)).Select(_ => GatewayText(random, ownPort)));
        var bytes = new Envelope { Welcome = welcome }.ToByteArray();
        return random.Next(8) switch
        {
            0 => (new Envelope { Welcome = new Welcome(welcome) { Rejection = random.Pick(["wrong cluster", " ", "\0", new string('r', 5000)]) } }.ToByteArray(), false),
            1 => (ByteMutator.Mutate(random, bytes, EnvelopeCorpus.SampleBytes), false),
            _ => (bytes, true),
        };
    }

    private static byte[] FuzzedFrame(Random random, int ownPort)
    {
        var envelope = random.Next(6) switch
        {
            0 => new Envelope { Push = new Push { Stream = random.Pick(["cache.inv", "cache.resync", "x"]), Sequence = (ulong)random.Next(0, 4), Payload = SiloInputGenerator.InvalidationBatch(random).ToByteString() } },
            1 => new Envelope { ClusterView = new ClusterView { MembershipVersion = random.Pick(InterestingValues.Int64s), Gateways = { Enumerable.Range(0, random.Next(4)).Select(_ => GatewayText(random, ownPort)) } } },
            2 => new Envelope { Closing = new Closing { Reason = random.Pick(InterestingValues.Strings) } },
            3 => new Envelope { Response = new Response { Id = (ulong)random.Next(0, 4), Result = ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.SkewedLength(64))) } },
            _ => EnvelopeCorpus.RandomEnvelope(random),
        };
        var bytes = envelope.ToByteArray();
        return random.OneIn(5) ? ByteMutator.Mutate(random, bytes, EnvelopeCorpus.SampleBytes) : bytes;
    }

    /// <summary>The answer a request expects, mutated; or a failure of any kind, defined or not.</summary>
    private static Response FuzzedResponse(Random random, Request request)
    {
        if (random.OneIn(3))
        {
            return new Response { Id = request.Id, Failure = new Failure { Kind = (FailureKind)random.Next(-1, 10), Message = random.Pick(InterestingValues.Strings), ExceptionType = random.Pick(InterestingValues.Strings) } };
        }

        var result = request.Method switch
        {
            nameof(ICacheEntryGrain.GetAsync) => ValueCodec.Encode(new CacheEntry(random.OneIn(4) ? null : "\"cached\""u8.ToArray(), new CacheVersion(1, 1, random.Next(1, 5)), null, []), typeof(CacheEntry)),
            nameof(ICacheEntryGrain.SetAsync) => ValueCodec.Encode(new CacheVersion(1, 1, random.Next(1, 5)), typeof(CacheVersion)),
            _ => ByteString.Empty,
        };

        var bytes = random.Next(3) switch
        {
            0 => result.ToByteArray(),
            1 => JsonMutator.Mutate(random, result.Span, JsonFieldNames),
            _ => ByteMutator.Mutate(random, result.Span),
        };
        return new Response { Id = request.Id, Result = ByteString.CopyFrom(bytes) };
    }

    /// <summary>
    /// A gateway for a cluster view: this fake gateway, a loopback port nobody listens on (never another process's),
    /// or text that is no endpoint at all.
    /// </summary>
    private static string GatewayText(Random random, int ownPort) => random.Next(4) switch
    {
        0 => "127.0.0.1:" + ownPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => random.Pick(["127.0.0.1:1", "[::1]:1"]),
        2 => random.Pick(InterestingValues.Strings),
        _ => random.Pick(["localhost:0", ":80", "host:", "a b:80", "h:99999", "h:-1", "h:+80", "h:\u0668\u0660", "127.0.0.1:70000"]),
    };

    /// <summary>What the client sends, read one envelope ahead, with every request answered by a fuzzed response.</summary>
    private sealed class Session(RawPeer peer, Random random)
    {
        private Task<Envelope?>? _next;

        /// <summary>Answers requests until <paramref name="done"/> completes or the client closes the connection.</summary>
        public async Task AnswerUntilAsync(Task done, CancellationToken cancellationToken)
        {
            while (!done.IsCompleted)
            {
                _next ??= peer.ReceiveAsync(cancellationToken);
                if (await Task.WhenAny(_next, done) != _next)
                {
                    return;
                }

                if (!await TakeAsync(cancellationToken))
                {
                    return;
                }
            }
        }

        /// <summary>Answers requests until the Pong to <paramref name="nonce"/>; false if the client closed first.</summary>
        public async Task<bool> AnswerUntilPongAsync(ulong nonce, CancellationToken cancellationToken)
        {
            while (true)
            {
                _next ??= peer.ReceiveAsync(cancellationToken);
                var envelope = await _next;
                if (envelope?.Pong?.Nonce == nonce)
                {
                    return true;
                }

                if (!await TakeAsync(cancellationToken))
                {
                    return false;
                }
            }
        }

        private async Task<bool> TakeAsync(CancellationToken cancellationToken)
        {
            var envelope = await _next!;
            _next = null;
            if (envelope is null)
            {
                return false;
            }

            if (envelope.Request is { } request)
            {
                await peer.SendAsync(EnvelopeCorpus.Frame(new Envelope { Response = FuzzedResponse(random, request) }.ToByteArray()), cancellationToken);
            }

            return true;
        }
    }

    /// <summary>Asks the client to connect; it must succeed or fail with one of the client's typed exceptions.</summary>
    private static async Task<string> ConnectAsync(IOrleansCacheClient cache)
    {
        try
        {
            await cache.Cluster.ConnectAsync();
            return "connect:ok";
        }
        catch (OrleansCacheException ex)
        {
            return "connect:" + ex.GetType().Name;
        }
    }

    /// <summary>A cache call; its outcome must be a value or one of the client's typed exceptions.</summary>
    private static async Task<string> CallAsync(IOrleansCacheClient cache, Random random, string key)
    {
        try
        {
            if (!random.OneIn(3))
            {
                await cache.SetAsync(key, "value");
                return "ok:set";
            }

            return "ok:get:" + ((await cache.GetAsync<string>(key)) is null ? "missing" : "found");
        }
        catch (OrleansCacheException ex)
        {
            return ex.GetType().Name;
        }
        catch (JsonException)
        {
            // The value's own deserializer refusing bytes that are not a serialized string: the application's type.
            return "JsonException(value)";
        }
    }
}
