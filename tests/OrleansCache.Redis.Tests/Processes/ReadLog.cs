using System.Diagnostics;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>Reads made by clients while something fails: what each returned, and when it started and ended.</summary>
internal sealed class ReadLog
{
    private readonly List<Read> _reads = [];

    /// <summary>Runs <paramref name="read"/> and records what it returned (or threw).</summary>
    public async Task RecordAsync(int client, string key, Func<Task<string?>> read)
    {
        var started = Stopwatch.GetTimestamp();
        string? value;
        string? error = null;
        try
        {
            value = await read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            value = null;
            error = $"{ex.GetType().Name}: {ex.Message}";
        }

        var done = new Read(client, key, started, Stopwatch.GetTimestamp(), value, error);
        lock (_reads)
        {
            _reads.Add(done);
        }
    }

    public IReadOnlyList<Read> Snapshot()
    {
        lock (_reads)
        {
            return [.. _reads];
        }
    }

    /// <summary>One read: by which client, of which key, its start and end (<see cref="Stopwatch"/> timestamps), and its result.</summary>
    internal sealed record Read(int Client, string Key, long Started, long Ended, string? Value, string? Error)
    {
        public TimeSpan StartedAfter(long origin) => Stopwatch.GetElapsedTime(origin, Started);

        public TimeSpan EndedAfter(long origin) => Stopwatch.GetElapsedTime(origin, Ended);
    }
}
