using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Messaging;

/// <summary>
/// Length-prefixed framing: a 4-byte big-endian payload length, then one serialized <see cref="Envelope"/>.
/// </summary>
internal static class FrameCodec
{
    public const int HeaderLength = 4;

    /// <summary>Protocol version sent in <see cref="Hello"/>; a silo refuses versions it does not speak.</summary>
    public const uint ProtocolVersion = 1;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>, if one is there.
    /// The length is checked before any payload is buffered, so a hostile length costs nothing.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The declared length exceeds <paramref name="maxFrameBytes"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxFrameBytes)
        {
            throw new ProtocolViolationException($"Frame declares {length} bytes; the limit is {maxFrameBytes}.") { Reason = "oversized" };
        }

        if (buffer.Length - HeaderLength < length)
        {
            return false;
        }

        payload = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Parses a frame's payload.</summary>
    /// <exception cref="ProtocolViolationException">The payload is not a valid envelope.</exception>
    public static Envelope Parse(in ReadOnlySequence<byte> payload)
    {
        if (!PeerMessageParser<Envelope>.TryParse(payload, out var envelope, out var error))
        {
            throw new ProtocolViolationException($"Frame payload is not a valid envelope: {error}") { Reason = "malformed" };
        }

        if (envelope.BodyCase == Envelope.BodyOneofCase.None)
        {
            throw new ProtocolViolationException("Frame carries an empty or unknown envelope.") { Reason = "malformed" };
        }

        return envelope;
    }

    /// <summary>Writes <paramref name="envelope"/> as one frame.</summary>
    /// <exception cref="MessageTooLargeException">The envelope exceeds <paramref name="maxFrameBytes"/>.</exception>
    public static void Write(IBufferWriter<byte> writer, Envelope envelope, int maxFrameBytes)
    {
        var size = envelope.CalculateSize();
        if (size > maxFrameBytes)
        {
            throw new MessageTooLargeException($"A message of {size} bytes exceeds the frame limit of {maxFrameBytes} bytes.");
        }

        var span = writer.GetSpan(HeaderLength + size);
        BinaryPrimitives.WriteInt32BigEndian(span, size);
        envelope.WriteTo(span.Slice(HeaderLength, size));
        writer.Advance(HeaderLength + size);
    }
}
