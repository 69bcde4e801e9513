namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>Per-case random sources: case <c>i</c> of a run depends only on the run's seed and <c>i</c>, so one case replays alone.</summary>
public static class FuzzRandom
{
    /// <summary>The random source of case <paramref name="index"/> of target <paramref name="target"/> in the run with <paramref name="seed"/>.</summary>
    public static Random ForCase(int seed, string target, long index)
    {
        // SplitMix64 over (seed, target, index): deterministic across processes, unlike string.GetHashCode.
        var x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        foreach (var c in target)
        {
            x = Mix(x ^ c);
        }

        x = Mix(x ^ (ulong)index);
        return new Random((int)(x ^ (x >> 32)));
    }

    /// <summary>True with probability 1/<paramref name="n"/>.</summary>
    public static bool OneIn(this Random random, int n) => random.Next(n) == 0;

    /// <summary>A random element of <paramref name="items"/>.</summary>
    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A length skewed towards small values but reaching <paramref name="max"/> now and then.</summary>
    public static int SkewedLength(this Random random, int max) => random.Next(4) switch
    {
        0 => random.Next(Math.Min(max, 8) + 1),
        1 => random.Next(Math.Min(max, 64) + 1),
        2 => random.Next(Math.Min(max, 1024) + 1),
        _ => random.Next(max + 1),
    };

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
