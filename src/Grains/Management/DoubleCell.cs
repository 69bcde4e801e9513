namespace OrleansCache.Grains.Management;

/// <summary>Lock-free arithmetic on a shared double (Interlocked has no Add for doubles).</summary>
internal static class DoubleCell
{
    public static void Add(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
