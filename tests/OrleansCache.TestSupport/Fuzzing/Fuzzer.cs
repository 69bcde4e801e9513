using System.Diagnostics;
using System.Globalization;

namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>
/// Runs a target over generated inputs and checks what every fuzz test needs: the target's own property (it throws
/// when broken), no hang (each input within <see cref="FuzzOptions.CaseTimeout"/>) and bounded allocation per input.
/// A failure names the seed and the case, and for byte inputs carries the input and a minimised one, so it becomes a
/// regression test directly.
/// </summary>
public static class Fuzzer
{
    private const int MinimizeBudget = 3000;

    /// <summary>
    /// Fuzzes a synchronous target. <paramref name="generate"/> makes case <c>i</c>'s input from case <c>i</c>'s random
    /// source; <paramref name="execute"/> runs the target on it and returns an outcome label, throwing if a property broke.
    /// </summary>
    /// <exception cref="FuzzFailureException">A property broke, an input hung, or one allocated too much.</exception>
    public static FuzzReport Run(FuzzOptions options, Func<Random, byte[]> generate, Func<byte[], string> execute)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new FuzzReport(options);
        var progress = new Progress();
        Exception? failure = null;

        // Its own thread, so a hung input can be reported while it is still stuck, and so that the thread's allocation
        // counter sees this target's allocations only.
        var thread = new Thread(() =>
        {
            try
            {
                for (var i = 0; i < options.Inputs; i++)
                {
                    var input = generate(FuzzRandom.ForCase(options.Seed, options.Target, i));
                    progress.Begin(i, input);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    string outcome;
                    try
                    {
                        outcome = execute(input);
                    }
                    catch (Exception ex)
                    {
                        progress.End();
                        var type = ex.GetType();
                        throw Failure(options, i, $"the target threw {type.Name}: {ex.Message}", input, Minimize(input, candidate => Throws(execute, candidate, type)), ex);
                    }

                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    progress.End();
                    if (options.MaxAllocatedBytes is { } bound && allocated > bound(input.Length))
                    {
                        throw Failure(options, i, $"one input of {input.Length} bytes allocated {allocated} bytes; the bound is {bound(input.Length)}", input, null, null);
                    }

                    report.Record(outcome, allocated);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = "fuzz " + options.Target,
        };

        thread.Start();
        while (!thread.Join(TimeSpan.FromMilliseconds(100)))
        {
            if (progress.RunningFor() > options.CaseTimeout)
            {
                var (index, input) = progress.Current;
                throw Failure(options, index, $"one input ran longer than {options.CaseTimeout.TotalSeconds:0} s (a hang)", input, null, null);
            }
        }

        if (failure is not null)
        {
            throw failure is FuzzFailureException ? failure : new FuzzFailureException($"The fuzz loop of {options.Target} failed (seed {options.Seed}).", failure);
        }

        return report;
    }

    /// <summary>
    /// Fuzzes an asynchronous target: <paramref name="runCase"/> runs case <c>i</c> with case <c>i</c>'s random source
    /// and returns an outcome label, throwing if a property broke. Each case must finish within the case timeout.
    /// </summary>
    /// <exception cref="FuzzFailureException">A property broke or a case hung.</exception>
    public static async Task<FuzzReport> RunAsync(FuzzOptions options, Func<Random, long, CancellationToken, Task<string>> runCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new FuzzReport(options);
        await Parallel.ForAsync(0L, options.Inputs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(options.CaseTimeout);
            var run = runCase(FuzzRandom.ForCase(options.Seed, options.Target, i), i, timeout.Token);
            using var hang = CancellationTokenSource.CreateLinkedTokenSource(token);
            if (await Task.WhenAny(run, Task.Delay(options.CaseTimeout, hang.Token)).ConfigureAwait(false) != run)
            {
                token.ThrowIfCancellationRequested();
                throw Failure(options, i, $"the case ran longer than {options.CaseTimeout.TotalSeconds:0} s (a hang)", null, null, null);
            }

            await hang.CancelAsync().ConfigureAwait(false);
            string outcome;
            try
            {
                outcome = await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw Failure(options, i, $"the case ran longer than {options.CaseTimeout.TotalSeconds:0} s (a hang)", null, null, ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not FuzzFailureException)
            {
                // A TimeoutException here is the case's own wait giving up: reported as what it is, with its stack.
                throw Failure(options, i, $"{ex.GetType().Name}: {ex.Message}", null, null, ex);
            }

            report.Record(outcome);
        }).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Shrinks a failing input by removing ever smaller chunks while <paramref name="stillFails"/> holds (a simple
    /// delta debugging), within a fixed budget of attempts.
    /// </summary>
    public static byte[] Minimize(byte[] input, Func<byte[], bool> stillFails)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(stillFails);
        var current = input;
        var attempts = 0;
        for (var chunk = Math.Max(1, current.Length / 2); chunk >= 1 && attempts < MinimizeBudget; chunk /= 2)
        {
            for (var start = 0; start < current.Length && attempts < MinimizeBudget;)
            {
                var candidate = new byte[current.Length - Math.Min(chunk, current.Length - start)];
                current.AsSpan(0, start).CopyTo(candidate);
                current.AsSpan(Math.Min(current.Length, start + chunk)).CopyTo(candidate.AsSpan(start));
                attempts++;
                if (stillFails(candidate))
                {
                    current = candidate;
                }
                else
                {
                    start += chunk;
                }
            }
        }

        return current;
    }

    private static bool Throws(Func<byte[], string> execute, byte[] input, Type type)
    {
        try
        {
            execute(input);
            return false;
        }
        catch (Exception ex)
        {
            return ex.GetType() == type;
        }
    }

    private static FuzzFailureException Failure(FuzzOptions options, long index, string what, byte[]? input, byte[]? minimized, Exception? inner)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"Fuzz target '{options.Target}', seed {options.Seed}, case {index}: {what}. Replay the run with FUZZ_SEED={options.Seed}.");
        if (input is not null)
        {
            message += $" Input (base64, {input.Length} bytes): {Shorten(Convert.ToBase64String(input))}";
        }

        if (minimized is not null)
        {
            message += $" Minimised (base64, {minimized.Length} bytes): {Convert.ToBase64String(minimized)}";
        }

        return inner is null ? new FuzzFailureException(message) : new FuzzFailureException(message, inner);
    }

    private static string Shorten(string text) => text.Length <= 4096 ? text : text[..4096] + "...";

    /// <summary>Which case the fuzzing thread is running, and since when.</summary>
    private sealed class Progress
    {
        private readonly Lock _lock = new();
        private long _started;
        private long _index;
        private byte[] _input = [];

        public (long Index, byte[] Input) Current
        {
            get
            {
                lock (_lock)
                {
                    return (_index, _input);
                }
            }
        }

        public void Begin(long index, byte[] input)
        {
            lock (_lock)
            {
                _index = index;
                _input = input;
                _started = Stopwatch.GetTimestamp();
            }
        }

        public void End()
        {
            lock (_lock)
            {
                _started = 0;
            }
        }

        public TimeSpan RunningFor()
        {
            lock (_lock)
            {
                return _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);
            }
        }
    }
}
