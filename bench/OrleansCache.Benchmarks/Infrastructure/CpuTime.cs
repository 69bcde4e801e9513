using System.Diagnostics;
using System.Globalization;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>
/// CPU time used so far by this process and by other processes (silos, redis-server), read from <c>/proc</c>. The CPU a
/// delivery costs does not depend on how busy the machine is, where its latency does: on a shared machine it says what
/// a quiet one would show.
/// </summary>
internal static class CpuTime
{
    /// <summary>Clock ticks per second of <c>/proc/*/stat</c> (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds used by this process and by <paramref name="others"/> together.</summary>
    public static double Seconds(IEnumerable<int> others)
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds + others.Sum(OfProcess);
    }

    private static double OfProcess(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces, so it is skipped by its closing parenthesis):
            // state is field 3, utime field 14, stime field 15.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
