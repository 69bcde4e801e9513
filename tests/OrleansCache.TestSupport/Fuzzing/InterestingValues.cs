namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>Values at the edges, where length checks and integer conversions go wrong.</summary>
public static class InterestingValues
{
    public static readonly long[] Integers =
    [
        0, 1, 2, -1, -2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 64 * 1024, 64 * 1024 + 1,
        16 * 1024 * 1024, 16 * 1024 * 1024 + 1, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, uint.MaxValue, 0xFFFFFFFE,
        (long)uint.MaxValue + 1, long.MaxValue, long.MinValue, 1L << 53,
    ];

    public static readonly byte[] Bytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0xC0, 0xC1, 0xF5, 0xED, (byte)'{', (byte)'}', (byte)'[', (byte)'"', (byte)'\\', (byte)':', (byte)','];

    public static readonly uint[] UInt32s = [0, 1, 2, 50, 1000, 5000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, uint.MaxValue];

    public static readonly long[] Int64s = [0, 1, -1, 2, long.MaxValue, long.MinValue, int.MaxValue, -int.MaxValue];

    /// <summary>Strings that break naive text handling: empty, blank, control characters, huge, non-BMP, odd normalisation.</summary>
    public static readonly string[] Strings =
    [
        string.Empty, " ", "\t", "\0", "a\0b", "\u001f", "\u007f", "\u00e9", "e\u0301", "\u202e", "\ufeff", "\uffff",
        "\ud83d\ude00", "*", "?", "[", "\\", "%s%n", "../..", "{}", "null", new string('x', 300), new string('y', 5000),
    ];

    /// <summary>A random interesting integer, sometimes nudged by one.</summary>
    public static long NextInteger(Random random)
    {
        var value = random.Pick(Integers);
        return random.Next(4) switch
        {
            0 => unchecked(value + 1),
            1 => unchecked(value - 1),
            _ => value,
        };
    }
}
