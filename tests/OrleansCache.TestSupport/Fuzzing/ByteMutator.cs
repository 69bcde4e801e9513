using System.Buffers.Binary;

namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>
/// Format-blind mutations of byte strings, as coverage-less mutation fuzzers make them: bit flips, byte inserts,
/// deletes and duplicates, splices of two corpus items, interesting integers (also as protobuf varints) and truncation.
/// </summary>
public static class ByteMutator
{
    private const int Kinds = 13;

    /// <summary>
    /// Applies one to a few mutations to a copy of <paramref name="input"/>. The result never exceeds
    /// <paramref name="maxLength"/> bytes, so a mutation cannot make the fuzzer itself run out of memory.
    /// </summary>
    public static byte[] Mutate(Random random, ReadOnlySpan<byte> input, IReadOnlyList<byte[]>? corpus = null, int maxLength = 64 * 1024)
    {
        var bytes = new List<byte>(input.Length + 16);
        foreach (var b in input)
        {
            bytes.Add(b);
        }

        var count = 1 + (random.OneIn(2) ? 0 : random.Next(1, 6));
        for (var i = 0; i < count; i++)
        {
            MutateOnce(random, bytes, corpus);
            if (bytes.Count > maxLength)
            {
                bytes.RemoveRange(maxLength, bytes.Count - maxLength);
            }
        }

        return [.. bytes];
    }

    private static void MutateOnce(Random random, List<byte> bytes, IReadOnlyList<byte[]>? corpus)
    {
        var at = random.Next(bytes.Count + 1);
        switch (random.Next(Kinds))
        {
            case 0 when bytes.Count > 0:
                bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                break;
            case 2:
                bytes.InsertRange(at, RandomBytes(random, random.Next(1, 9)));
                break;
            case 3:
                bytes.Insert(at, random.Pick(InterestingValues.Bytes));
                break;
            case 4 when bytes.Count > 0:
                var start = random.Next(bytes.Count);
                bytes.RemoveRange(start, Math.Min(bytes.Count - start, random.SkewedLength(32) + 1));
                break;
            case 5 when bytes.Count > 0:
                var from = random.Next(bytes.Count);
                var length = Math.Min(bytes.Count - from, random.SkewedLength(64) + 1);
                var copies = random.OneIn(8) ? random.Next(2, 64) : 1;
                var chunk = bytes.GetRange(from, length);
                for (var c = 0; c < copies; c++)
                {
                    bytes.InsertRange(at, chunk);
                }

                break;
            case 6 when corpus is { Count: > 0 }:
                Splice(random, bytes, random.Pick(corpus));
                break;
            case 7:
                OverwriteInteger(random, bytes, at);
                break;
            case 8:
                bytes.InsertRange(at, Varint(InterestingValues.NextInteger(random)));
                break;
            case 9 when bytes.Count > 0:
                var cut = random.Next(bytes.Count);
                bytes.RemoveRange(cut, bytes.Count - cut);
                break;
            case 10 when bytes.Count > 1:
                var a = random.Next(bytes.Count);
                var b = random.Next(bytes.Count);
                (bytes[a], bytes[b]) = (bytes[b], bytes[a]);
                break;
            case 11 when bytes.Count > 0:
                // A run of one byte: long zero or 0xFF stretches are what length fields and varints choke on.
                bytes.InsertRange(at, Enumerable.Repeat(random.Pick(InterestingValues.Bytes), random.SkewedLength(512) + 1));
                break;
            default:
                bytes.InsertRange(at, RandomBytes(random, random.SkewedLength(16) + 1));
                break;
        }
    }

    /// <summary>Keeps a prefix of <paramref name="bytes"/> and appends a suffix of <paramref name="other"/>, or inserts a piece of it.</summary>
    private static void Splice(Random random, List<byte> bytes, byte[] other)
    {
        if (other.Length == 0)
        {
            return;
        }

        var start = random.Next(other.Length);
        if (random.OneIn(2))
        {
            var cut = random.Next(bytes.Count + 1);
            bytes.RemoveRange(cut, bytes.Count - cut);
            bytes.AddRange(other.AsSpan(start).ToArray());
        }
        else
        {
            var length = Math.Min(other.Length - start, random.SkewedLength(128) + 1);
            bytes.InsertRange(random.Next(bytes.Count + 1), other.AsSpan(start, length).ToArray());
        }
    }

    private static void OverwriteInteger(Random random, List<byte> bytes, int at)
    {
        var width = random.Pick([1, 2, 4, 8]);
        Span<byte> buffer = stackalloc byte[8];
        var value = InterestingValues.NextInteger(random);
        if (random.OneIn(2))
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer, value);
            buffer = buffer[(8 - width)..];
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
            buffer = buffer[..width];
        }

        for (var i = 0; i < buffer.Length; i++)
        {
            if (at + i < bytes.Count)
            {
                bytes[at + i] = buffer[i];
            }
            else
            {
                bytes.Add(buffer[i]);
            }
        }
    }

    /// <summary>The protobuf base-128 varint of <paramref name="value"/> (negative values take ten bytes, as in protobuf).</summary>
    public static byte[] Varint(long value)
    {
        var result = new List<byte>(10);
        var v = unchecked((ulong)value);
        do
        {
            var b = (byte)(v & 0x7F);
            v >>= 7;
            result.Add(v == 0 ? b : (byte)(b | 0x80));
        }
        while (v != 0);
        return [.. result];
    }

    /// <summary><paramref name="length"/> uniformly random bytes.</summary>
    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
