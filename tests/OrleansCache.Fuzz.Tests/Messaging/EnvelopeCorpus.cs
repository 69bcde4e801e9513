using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.TestSupport.Fuzzing;

namespace OrleansCache.Fuzz.Tests.Messaging;

/// <summary>Valid envelopes of every body kind (the seeds of the frame fuzzers), and random envelopes built field by field.</summary>
internal static class EnvelopeCorpus
{
    public static readonly IReadOnlyList<Envelope> Samples = BuildSamples();

    public static readonly IReadOnlyList<byte[]> SampleBytes = [.. Samples.Select(e => e.ToByteArray())];

    /// <summary>An envelope of a random kind whose every field is random or interesting: valid protobuf, odd content.</summary>
    public static Envelope RandomEnvelope(Random random)
    {
        var envelope = new Envelope();
        switch (random.Next(11))
        {
            case 0:
                envelope.Hello = new Hello
                {
                    ProtocolVersion = random.Pick(InterestingValues.UInt32s),
                    ClusterId = Text(random),
                    Role = RandomRole(random),
                    PeerName = Text(random),
                    AuthNonce = Bytes(random),
                    KeyId = random.OneIn(3) ? Text(random) : string.Empty,
                };
                break;
            case 1:
                envelope.Welcome = new Welcome
                {
                    SiloAddress = Text(random),
                    MembershipVersion = random.Pick(InterestingValues.Int64s),
                    Rejection = Text(random),
                    AuthProof = Bytes(random),
                    RejectionCode = (RejectionCode)random.Next(-1, 6),
                };
                envelope.Welcome.Gateways.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => Text(random)));
                break;
            case 2:
                envelope.Request = new Request
                {
                    Id = (ulong)InterestingValues.NextInteger(random),
                    GrainType = Text(random),
                    GrainKey = Text(random),
                    Method = Text(random),
                    TimeoutMs = random.Pick(InterestingValues.UInt32s),
                    Hops = random.Pick(InterestingValues.UInt32s),
                    MembershipVersion = random.Pick(InterestingValues.Int64s),
                };
                envelope.Request.Arguments.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.SkewedLength(64)))));
                break;
            case 3:
                envelope.Response = new Response { Id = (ulong)InterestingValues.NextInteger(random), Result = ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.SkewedLength(64))) };
                if (random.OneIn(2))
                {
                    envelope.Response.Failure = new Failure { Kind = (FailureKind)random.Next(-1, 10), Message = Text(random), ExceptionType = Text(random) };
                }

                break;
            case 4:
                envelope.Push = new Push { Stream = Text(random), Sequence = (ulong)InterestingValues.NextInteger(random), Payload = ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.SkewedLength(64))) };
                break;
            case 5:
                envelope.Ping = new Ping { Nonce = (ulong)InterestingValues.NextInteger(random) };
                break;
            case 6:
                envelope.Pong = new Pong { Nonce = (ulong)InterestingValues.NextInteger(random) };
                break;
            case 7:
                envelope.ClusterView = new ClusterView { MembershipVersion = random.Pick(InterestingValues.Int64s) };
                envelope.ClusterView.Gateways.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => Text(random)));
                break;
            case 8:
                envelope.Closing = new Closing { Reason = Text(random) };
                break;
            case 9:
                envelope.AuthChallenge = new AuthChallenge { Nonce = Bytes(random) };
                break;
            default:
                envelope.AuthProof = new AuthProof { Proof = Bytes(random) };
                break;
        }

        return envelope;
    }

    /// <summary>A 4-byte big-endian length prefix and the payload, as <see cref="FrameCodec"/> writes them.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, uint? declaredLength = null)
    {
        var frame = new byte[FrameCodec.HeaderLength + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(FrameCodec.HeaderLength));
        return frame;
    }

    private static PeerRole RandomRole(Random random) => random.Next(4) switch
    {
        0 => PeerRole.Client,
        1 => PeerRole.Silo,
        2 => PeerRole.Unspecified,
        _ => (PeerRole)random.Next(3, 1000),
    };

    /// <summary>Empty, the 32 bytes a nonce or proof has, one off, or anything.</summary>
    private static ByteString Bytes(Random random) => ByteString.CopyFrom(ByteMutator.RandomBytes(random, random.Next(5) switch
    {
        0 => 0,
        1 or 2 => 32,
        3 => random.Pick([31, 33]),
        _ => random.SkewedLength(64),
    }));

    private static string Text(Random random) => random.Next(4) switch
    {
        0 => string.Empty,
        1 => random.Pick(InterestingValues.Strings),
        2 => "127.0.0.1:" + random.Next(-5, 70_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => new string((char)random.Next(0x20, 0x7f), random.SkewedLength(40)),
    };

    private static List<Envelope> BuildSamples()
    {
        var request = new Request { Id = 1, GrainType = "cache-entry", GrainKey = "user:1", Method = "GetAsync", TimeoutMs = 1000, Hops = 0, MembershipVersion = 3 };
        request.Arguments.Add(ByteString.CopyFromUtf8("{\"Ttl\":null,\"Tags\":[]}"));
        var welcome = new Welcome { SiloAddress = "127.0.0.1:11111@1", MembershipVersion = 4 };
        welcome.Gateways.Add("127.0.0.1:30000");
        var view = new ClusterView { MembershipVersion = 5 };
        view.Gateways.AddRange(["127.0.0.1:30000", "127.0.0.1:30001"]);
        return
        [
            new Envelope { Hello = new Hello { ProtocolVersion = FrameCodec.ProtocolVersion, ClusterId = "fuzz", Role = PeerRole.Client, PeerName = "client-1" } },
            new Envelope { Hello = new Hello { ProtocolVersion = FrameCodec.ProtocolVersion, ClusterId = "fuzz", Role = PeerRole.Client, PeerName = "client-2", AuthNonce = ByteString.CopyFrom(new byte[32]), KeyId = "k1" } },
            new Envelope { Hello = new Hello { ProtocolVersion = FrameCodec.ProtocolVersion, ClusterId = "fuzz", Role = PeerRole.Silo, PeerName = "127.0.0.1:11111@1" } },
            new Envelope { Welcome = welcome },
            new Envelope { Request = request },
            new Envelope { Response = new Response { Id = 1, Result = ByteString.CopyFromUtf8("{\"Era\":1}") } },
            new Envelope { Response = new Response { Id = 1, Failure = new Failure { Kind = FailureKind.BadRequest, Message = "no" } } },
            new Envelope { Push = new Push { Stream = "cache.inv", Sequence = 1, Payload = ByteString.CopyFrom(1, 2, 3) } },
            new Envelope { Ping = new Ping { Nonce = 7 } },
            new Envelope { Pong = new Pong { Nonce = 7 } },
            new Envelope { ClusterView = view },
            new Envelope { Closing = new Closing { Reason = "stopping" } },
            new Envelope { AuthChallenge = new AuthChallenge { Nonce = ByteString.CopyFrom(new byte[32]) } },
            new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(new byte[32]) } },
        ];
    }
}
