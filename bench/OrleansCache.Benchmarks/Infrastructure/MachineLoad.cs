using System.Globalization;

namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>The machine's load average, printed with every run: other work on a shared machine shows here.</summary>
internal static class MachineLoad
{
    public static string Describe()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]} (1/5/15 min, {Environment.ProcessorCount} cores)";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The 1-minute load average, or NaN where it is not known.</summary>
    public static double OneMinute()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
