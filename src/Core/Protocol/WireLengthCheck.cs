using System.Buffers;
using Google.Protobuf.Reflection;

namespace OrleansCache.Core.Protocol;

/// <summary>
/// Walks protobuf bytes before Google.Protobuf parses them and checks that every length they declare fits in what holds
/// it: each length-delimited field in its message, each sub-message (per the schema) in its parent, each group closed.
/// </summary>
/// <remarks>
/// Google.Protobuf 3.25.1 adds a sub-message's declared length to its position in an <see cref="int"/>; a length near
/// 2 GiB overflows, the limit check passes, and a bytes field inside is then allocated at whatever size it declares
/// before the missing data is noticed: a 10-byte frame could cost 2 GiB (found by a long fuzz run, docs/fuzzing.md).
/// With every length checked against its container first, no sum can overflow. The walk reads the bytes where they are
/// (a frame may span several pipe segments) and allocates nothing.
/// </remarks>
internal static class WireLengthCheck
{
    // Deeper than any message of ours nests; the parser's own recursion limit is 100.
    private const int MaxDepth = 32;

    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int StartGroup = 3;
    private const int EndGroup = 4;
    private const int Fixed32 = 5;

    /// <summary>Null if every length fits; otherwise what is wrong.</summary>
    public static string? Check(ReadOnlySequence<byte> data, MessageDescriptor descriptor) =>
        CheckMessage(new SequenceReader<byte>(data), descriptor, depth: 0);

    private static string? CheckMessage(SequenceReader<byte> reader, MessageDescriptor? descriptor, int depth)
    {
        while (!reader.End)
        {
            if (!TryReadVarint(ref reader, out var tag))
            {
                return "a field tag runs past the end";
            }

            var problem = CheckField(ref reader, tag, descriptor, depth);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Checks the value of one field whose tag was just read, and moves past it.</summary>
    private static string? CheckField(ref SequenceReader<byte> reader, ulong tag, MessageDescriptor? descriptor, int depth)
    {
        var fieldNumber = (int)Math.Min(tag >> 3, int.MaxValue);
        switch ((int)(tag & 7))
        {
            case Varint:
                return TryReadVarint(ref reader, out _) ? null : "a varint runs past the end";
            case Fixed64:
                return Skip(ref reader, 8);
            case Fixed32:
                return Skip(ref reader, 4);
            case LengthDelimited:
                if (!TryReadVarint(ref reader, out var length) || length > (ulong)reader.Remaining)
                {
                    return $"field {fieldNumber} declares more bytes than its message holds";
                }

                var value = reader.UnreadSequence.Slice(0, (long)length);
                reader.Advance((long)length);
                if (descriptor?.FindFieldByNumber(fieldNumber) is { FieldType: FieldType.Message } field)
                {
                    return depth >= MaxDepth ? "messages nest too deeply" : CheckMessage(new SequenceReader<byte>(value), field.MessageType, depth + 1);
                }

                return null;
            case StartGroup:
                return depth >= MaxDepth ? "groups nest too deeply" : CheckGroup(ref reader, fieldNumber, depth + 1);
            default:
                return $"field {fieldNumber} has an invalid wire type";
        }
    }

    /// <summary>Moves past a group (its fields are unknown to us) up to its matching end.</summary>
    private static string? CheckGroup(ref SequenceReader<byte> reader, int groupNumber, int depth)
    {
        while (!reader.End)
        {
            if (!TryReadVarint(ref reader, out var tag))
            {
                return "a field tag runs past the end";
            }

            if ((int)(tag & 7) == EndGroup)
            {
                return (tag >> 3) == (ulong)groupNumber ? null : "a group ends with another group's number";
            }

            var problem = CheckField(ref reader, tag, descriptor: null, depth);
            if (problem is not null)
            {
                return problem;
            }
        }

        return "a group is never closed";
    }

    private static string? Skip(ref SequenceReader<byte> reader, int count)
    {
        if (reader.Remaining < count)
        {
            return "a fixed-size value runs past the end";
        }

        reader.Advance(count);
        return null;
    }

    private static bool TryReadVarint(ref SequenceReader<byte> reader, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && reader.TryRead(out var b); shift += 7)
        {
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
