using System.Collections.Concurrent;
using System.Globalization;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// What the run's cache clients logged about their connections and feeds (resynchronizations, lost gateways), stamped
/// with the run clock, so a violation can be shown beside what its client knew at the time. Bounded: a run that logs
/// more keeps the first <see cref="Capacity"/> entries and counts the rest.
/// </summary>
internal sealed class ClientLog
{
    public const int Capacity = 200_000;

    /// <summary>The longest message kept; the rest of a longer one is cut.</summary>
    private const int MaxMessageLength = 400;

    private readonly ConcurrentQueue<ClientLogEntry> _entries = new();
    private int _count;
    private long _dropped;

    /// <summary>Entries not kept because the log was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(int client, TimeSpan at, string level, string message)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        _entries.Enqueue(new ClientLogEntry(client, at, level, message.Length > MaxMessageLength ? message[..MaxMessageLength] + "…" : message));
    }

    /// <summary>
    /// The client's entries between two moments about one partition's feed, or about no partition in particular (its
    /// connections), the latest <paramref name="max"/> of them, as lines.
    /// </summary>
    public IReadOnlyList<string> Of(int client, int partition, TimeSpan from, TimeSpan to, int max) =>
        [.. _entries.Where(e => e.Client == client && e.At >= from && e.At <= to && About(e.Message, partition))
            .OrderBy(e => e.At)
            .TakeLast(max)
            .Select(Line)];

    /// <summary>Every entry, in time order, as lines.</summary>
    public IEnumerable<string> All() => _entries.OrderBy(e => e.At).Select(Line);

    private static string Line(ClientLogEntry e) => string.Create(CultureInfo.InvariantCulture, $"t={e.At.TotalSeconds:0.000}s client {e.Client} {e.Level}: {e.Message}");

    private static bool About(string message, int partition) =>
        !message.Contains("Partition ", StringComparison.Ordinal)
        || message.Contains(string.Create(CultureInfo.InvariantCulture, $"Partition {partition} "), StringComparison.Ordinal);

    private sealed record ClientLogEntry(int Client, TimeSpan At, string Level, string Message);
}
