using System.Text;
using Google.Protobuf;
using OrleansCache.Core.Protocol;
using OrleansCache.Core.Security;
using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class HandshakeProofTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-secret-of-at-least-thirty-two-characters");

    [Fact]
    public void Proof_ChangesWithEveryFieldOfTheTranscript()
    {
        var nonce = HandshakeProof.NewNonce();
        var hello = NewHello();
        var proof = HandshakeProof.Connecting(Key, hello, nonce);

        var variants = new List<byte[]>
        {
            HandshakeProof.Connecting(Key, With(hello, h => h.ClusterId = "other"), nonce),
            HandshakeProof.Connecting(Key, With(hello, h => h.Role = PeerRole.Silo), nonce),
            HandshakeProof.Connecting(Key, With(hello, h => h.PeerName = "client-2"), nonce),
            HandshakeProof.Connecting(Key, With(hello, h => h.KeyId = "billing"), nonce),
            HandshakeProof.Connecting(Key, With(hello, h => h.AuthNonce = ByteString.CopyFrom(HandshakeProof.NewNonce())), nonce),
            HandshakeProof.Connecting(Key, hello, HandshakeProof.NewNonce()),
            HandshakeProof.Connecting(Encoding.UTF8.GetBytes("another-secret-of-at-least-thirty-two-chars"), hello, nonce),
            HandshakeProof.Accepting(Key, hello, nonce),
        };

        Assert.Equal(32, proof.Length);
        Assert.True(HandshakeProof.Matches(proof, HandshakeProof.Connecting(Key, hello, nonce)));
        Assert.All(variants, v => Assert.False(HandshakeProof.Matches(proof, v)));
    }

    [Fact]
    public void FieldBoundaries_CannotBeShifted_ToForgeAnotherTranscript()
    {
        var nonce = HandshakeProof.NewNonce();
        var a = With(NewHello(), h => (h.ClusterId, h.PeerName) = ("ab", "c"));
        var b = With(NewHello(), h => (h.ClusterId, h.PeerName) = ("a", "bc"));

        Assert.False(HandshakeProof.Matches(HandshakeProof.Connecting(Key, a, nonce), HandshakeProof.Connecting(Key, b, nonce)));
    }

    [Fact]
    public void Matches_RejectsProofsOfTheWrongLength()
    {
        var proof = HandshakeProof.Connecting(Key, NewHello(), HandshakeProof.NewNonce());

        Assert.False(HandshakeProof.Matches(proof, proof.AsSpan(0, 16)));
        Assert.False(HandshakeProof.Matches(proof, []));
    }

    [Fact]
    public void HandshakeFrames_DoNotCarryTheSecret()
    {
        var hello = NewHello();
        var nonce = HandshakeProof.NewNonce();
        var frames = new[]
        {
            new Envelope { Hello = hello },
            new Envelope { AuthChallenge = new AuthChallenge { Nonce = ByteString.CopyFrom(nonce) } },
            new Envelope { AuthProof = new AuthProof { Proof = ByteString.CopyFrom(HandshakeProof.Connecting(Key, hello, nonce)) } },
            new Envelope { Welcome = new Welcome { AuthProof = ByteString.CopyFrom(HandshakeProof.Accepting(Key, hello, nonce)) } },
        };

        var wire = frames.SelectMany(f => f.ToByteArray()).ToArray();

        Assert.Equal(-1, wire.AsSpan().IndexOf(Key));
    }

    private static Hello NewHello() => new()
    {
        ProtocolVersion = 1,
        ClusterId = "prod",
        Role = PeerRole.Client,
        PeerName = "client-1",
        AuthNonce = ByteString.CopyFrom(HandshakeProof.NewNonce()),
    };

    private static Hello With(Hello hello, Action<Hello> change)
    {
        var copy = hello.Clone();
        change(copy);
        return copy;
    }
}
