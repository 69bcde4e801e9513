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

    /// <summary>One frame's payload: a valid envelope, a mutated one, a random-field one, or random bytes.</summary>
    public static byte[] Payload(Random random) => random.Next(5) switch
    {
        0 => random.Pick(EnvelopeCorpus.SampleBytes),
        1 or 2 => ByteMutator.Mutate(random, random.Pick(EnvelopeCorpus.SampleBytes), EnvelopeCorpus.SampleBytes),
        3 => EnvelopeCorpus.RandomEnvelope(random).ToByteArray(),
        _ => ByteMutator.RandomBytes(random, random.SkewedLength(256)),
    };
}
