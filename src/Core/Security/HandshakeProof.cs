using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Security;

/// <summary>
/// The challenge-response of the connection handshake (docs/adr/0020-cluster-authentication.md). Each side proves it
/// holds the key with an HMAC-SHA256 over the whole transcript (cluster, role, peer name, key id, both nonces), so the
/// secret never crosses the wire, a proof is good for one connection only, and a proof of one side cannot be passed
/// off as the other's.
/// </summary>
internal static class HandshakeProof
{
    /// <summary>Length of each side's nonce, in bytes.</summary>
    public const int NonceLength = 32;

    private static readonly byte[] ConnectingLabel = Encoding.ASCII.GetBytes("orleanscache/auth/v1/connecting");
    private static readonly byte[] AcceptingLabel = Encoding.ASCII.GetBytes("orleanscache/auth/v1/accepting");

    /// <summary>Fresh random bytes for one handshake.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    /// <summary>The connecting side's proof, sent in <see cref="AuthProof"/>.</summary>
    public static byte[] Connecting(byte[] key, Hello hello, ReadOnlySpan<byte> acceptingNonce) =>
        Compute(key, ConnectingLabel, hello, acceptingNonce);

    /// <summary>The accepting silo's proof, sent in <see cref="Welcome.AuthProof"/>.</summary>
    public static byte[] Accepting(byte[] key, Hello hello, ReadOnlySpan<byte> acceptingNonce) =>
        Compute(key, AcceptingLabel, hello, acceptingNonce);

    /// <summary>Compares in constant time, so the time taken tells nothing about how much of a proof was right.</summary>
    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> received) =>
        received.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, received);

    private static byte[] Compute(byte[] key, byte[] label, Hello hello, ReadOnlySpan<byte> acceptingNonce)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Append(hmac, label);
        Append(hmac, Encoding.UTF8.GetBytes(hello.ClusterId));
        Span<byte> role = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(role, (int)hello.Role);
        Append(hmac, role);
        Append(hmac, Encoding.UTF8.GetBytes(hello.PeerName));
        Append(hmac, Encoding.UTF8.GetBytes(hello.KeyId));
        Append(hmac, hello.AuthNonce.Span);
        Append(hmac, acceptingNonce);
        return hmac.GetHashAndReset();
    }

    /// <summary>Each field is length-prefixed, so no two different transcripts produce the same input.</summary>
    private static void Append(IncrementalHash hmac, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
        hmac.AppendData(length);
        hmac.AppendData(field);
    }
}
