using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;

namespace OrleansCache.Core.Protocol;

/// <summary>
/// Parses protobuf bytes that came from a peer (a frame, a push payload): anything that is not a valid
/// <typeparamref name="T"/> is a plain "no", whatever the protobuf library threw, and unknown fields are skipped
/// rather than kept.
/// </summary>
/// <remarks>
/// Both rules come from the fuzz suite (docs/fuzzing.md). Google.Protobuf 3.25.1 overflows its int arithmetic on
/// declared lengths near 2 GiB and throws <see cref="ArgumentOutOfRangeException"/> or
/// <see cref="IndexOutOfRangeException"/> instead of <see cref="InvalidProtocolBufferException"/>. And kept unknown
/// fields amplify memory: an empty group is 2 bytes on the wire and about 70 in memory, so one 16 MiB frame of them
/// made a silo allocate over a gigabyte. Skipping them loses nothing: peers of this protocol version send no fields it
/// does not know, and a peer of another version is refused at the handshake.
/// </remarks>
internal static class PeerMessageParser<T> where T : IMessage<T>, new()
{
    private static readonly MessageParser<T> Parser = new MessageParser<T>(static () => new T()).WithDiscardUnknownFields(true);

    /// <summary>Parses <paramref name="bytes"/>; false, with the reason in <paramref name="error"/>, if they are not a <typeparamref name="T"/>.</summary>
    public static bool TryParse(ReadOnlySequence<byte> bytes, [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out string? error)
    {
        try
        {
            message = Parser.ParseFrom(bytes);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            message = default;
            error = ex.Message;
            return false;
        }
    }

    /// <inheritdoc cref="TryParse(ReadOnlySequence{byte}, out T, out string)"/>
    public static bool TryParse(ByteString bytes, [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out string? error) =>
        TryParse(new ReadOnlySequence<byte>(bytes.Memory), out message, out error);
}
