using Google.Protobuf;
using OrleansCache.TestSupport.Fuzzing;

namespace OrleansCache.Fuzz.Tests.Messaging;

/// <summary>
/// Byte streams as a peer might send them: a few frames whose payloads are valid, mutated, random or built from odd
/// field values, with length prefixes that are right, off by a little, or absurd (0, 2 GiB, 4 GiB - 1), and now and then
/// the whole stream mutated or cut short.
/// </summary>
internal static class FrameStreamGenerator
{
    private static readonly uint[] AbsurdLengths = [0, 1, 3, 4, 1024, 1025, 16 * 1024 * 1024, 16 * 1024 * 1024 + 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    public static byte[] Generate(Random random)
    {
        var stream = new List<byte>();
        var frames = random.Next(1, 5);
        for (var i = 0; i < frames; i++)
        {
            var payload = Payload(random);
            uint? declared = random.Next(8) switch
            {
                0 => random.Pick(AbsurdLengths),
                1 => (uint)Math.Max(0, payload.Length + random.Next(-3, 4)),
                _ => null,
            };
            stream.AddRange(EnvelopeCorpus.Frame(payload, declared));
        }

        var bytes = stream.ToArray();
        return random.Next(6) switch
        {
            0 => ByteMutator.Mutate(random, bytes, EnvelopeCorpus.SampleBytes),
            1 => bytes[..random.Next(bytes.Length + 1)],
            _ => bytes,
        };
    }

    /// <summary>One frame's payload: a valid envelope, a mutated one, a random-field one, a length bomb, or random bytes.</summary>
    public static byte[] Payload(Random random) => random.Next(11) switch
    {
        0 or 1 => random.Pick(EnvelopeCorpus.SampleBytes),
        2 or 3 or 4 or 5 => ByteMutator.Mutate(random, random.Pick(EnvelopeCorpus.SampleBytes), EnvelopeCorpus.SampleBytes),
        6 or 7 => EnvelopeCorpus.RandomEnvelope(random).ToByteArray(),
        8 => LengthBomb(random),
        _ => ByteMutator.RandomBytes(random, random.SkewedLength(256)),
    };

    /// <summary>
    /// A sub-message declaring nearly 2 GiB (or 4 GiB, or 2^63) with a length-delimited field inside declaring as much
    /// again: the shape that once made a few bytes cost gigabytes (docs/fuzzing.md). Random bytes may follow.
    /// </summary>
    private static byte[] LengthBomb(Random random)
    {
        long[] huge = [int.MaxValue, int.MaxValue - 1, int.MaxValue - 16, uint.MaxValue, 1L << 31, long.MaxValue, 1_811_904, 135_000_000];
        byte[] outer = [(byte)((random.Next(1, 10) << 3) | 2), .. ByteMutator.Varint(random.Pick(huge))];
        byte[] inner = [(byte)((random.Next(1, 6) << 3) | 2), .. ByteMutator.Varint(random.Pick(huge))];
        return [.. outer, .. inner, .. ByteMutator.RandomBytes(random, random.Next(0, 16))];
    }
}
