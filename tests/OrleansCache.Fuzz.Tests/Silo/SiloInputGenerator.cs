using System.Buffers.Binary;
using OrleansCache.TestSupport.Fuzzing;

namespace OrleansCache.Fuzz.Tests.Silo;

/// <summary>What a fuzz case sends to a silo port: its bytes, and whether a silo could take them for a real peer.</summary>
/// <param name="Kind">A label for the report.</param>
/// <param name="Bytes">What is sent.</param>
/// <param name="MayBeAccepted">
/// True when the bytes start from a real preamble: a mutation may leave it valid, and a valid peer may stay connected.
/// Every other case must be closed by the silo.
/// </param>
internal sealed record SiloInput(string Kind, byte[] Bytes, bool MayBeAccepted);

/// <summary>
/// Inputs for the silo and gateway ports: random bytes, Orleans preamble headers declaring every kind of length with
/// too few, enough or too many bytes after them, truncated headers, and a real client's preamble mutated.
/// </summary>
internal static class SiloInputGenerator
{
    private static readonly int[] DeclaredLengths = [0, 1, 2, 16, 100, 1023, 1024, 1025, 4096, 65_536, int.MaxValue, -1, int.MinValue];

    public static SiloInput Next(Random random, byte[] realPreamble) => random.Next(6) switch
    {
        0 => new SiloInput("random_bytes", ByteMutator.RandomBytes(random, random.OneIn(20) ? 1 << 20 : random.Next(1, 4096)), false),
        1 => new SiloInput("truncated_header", ByteMutator.RandomBytes(random, random.Next(1, 4)), false),
        2 or 3 => Header(random),
        4 => new SiloInput("mutated_preamble", ByteMutator.Mutate(random, realPreamble, [realPreamble]), true),
        _ => new SiloInput("preamble_then_garbage", [.. realPreamble, .. ByteMutator.RandomBytes(random, random.Next(1, 2048))], true),
    };

    /// <summary>A preamble header declaring some length, then fewer, as many or more bytes than it declared.</summary>
    private static SiloInput Header(Random random)
    {
        var declared = random.OneIn(4) ? random.Next(0, 2048) : random.Pick(DeclaredLengths);
        var body = random.Next(3) switch
        {
            0 => random.Next(0, Math.Clamp(declared, 1, 2048)),
            1 => Math.Clamp(declared, 0, 1 << 20),
            _ => Math.Clamp(declared, 0, 1 << 20) + random.Next(1, 512),
        };
        var bytes = new byte[4 + body];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, declared);
        random.NextBytes(bytes.AsSpan(4));
        var kind = declared is < 0 or > 1024 ? "oversized_header" : body < declared ? "short_preamble" : "garbage_preamble";
        return new SiloInput(kind, bytes, false);
    }
}
