using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>What one fuzz run tried and how the target answered, by outcome label.</summary>
public sealed class FuzzReport
{
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private long _tried;
    private long _maxAllocated;

    public FuzzReport(FuzzOptions options)
    {
        Target = options.Target;
        Seed = options.Seed;
    }

    public string Target { get; }

    public int Seed { get; }

    /// <summary>Inputs tried so far.</summary>
    public long Tried => Interlocked.Read(ref _tried);

    /// <summary>The most bytes one input allocated (synchronous targets only).</summary>
    public long MaxAllocatedBytes => Interlocked.Read(ref _maxAllocated);

    public TimeSpan Elapsed => _elapsed.Elapsed;

    /// <summary>Counts by outcome label.</summary>
    public IReadOnlyDictionary<string, long> Outcomes => new SortedDictionary<string, long>(_outcomes, StringComparer.Ordinal);

    public long Count(string outcome) => _outcomes.GetValueOrDefault(outcome);

    /// <summary>Records one input's outcome.</summary>
    public void Record(string outcome, long allocatedBytes = 0)
    {
        _outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _tried);
        long max;
        while (allocatedBytes > (max = Interlocked.Read(ref _maxAllocated)) && Interlocked.CompareExchange(ref _maxAllocated, allocatedBytes, max) != max)
        {
        }
    }

    /// <summary>Adds counts the target kept itself (e.g. several outcomes per input), without counting inputs.</summary>
    public void Add(string outcome, long count) => _outcomes.AddOrUpdate(outcome, count, (_, n) => n + count);

    public override string ToString()
    {
        var outcomes = string.Join(", ", Outcomes.Select(o => $"{o.Key}={o.Value.ToString(CultureInfo.InvariantCulture)}"));
        var allocated = MaxAllocatedBytes > 0 ? $", max {MaxAllocatedBytes.ToString(CultureInfo.InvariantCulture)} bytes allocated per input" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"fuzz {Target}: {Tried} inputs tried (seed {Seed}, FUZZ_SCALE={FuzzSettings.Scale}, {Elapsed.TotalSeconds:0.0} s{allocated}): {outcomes}");
    }

    /// <summary>Prints the report to the test output and, when <c>FUZZ_REPORT</c> names a file, appends it there.</summary>
    public void Publish()
    {
        var line = ToString();
        TestContext.Current.SendDiagnosticMessage(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (FuzzSettings.ReportPath is { } path)
        {
            lock (typeof(FuzzReport))
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
