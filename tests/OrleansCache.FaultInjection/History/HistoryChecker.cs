using System.Globalization;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;
using OrleansCache.TestSupport.History;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// Checks a run's history against the promises of docs/consistency.md, and measures the rest. Each operation is
/// attributed to every fault whose window (injection to healed plus its bound) it overlaps, or to <c>none</c>.
/// </summary>
/// <remarks>
/// Violations: a read older than what its client already read or wrote (monotonic reads, read-your-writes); a read
/// staler than the bound of the faults around it (G4); an acknowledged change missing afterwards (G7, Redis storage).
/// A get-or-create burst away from every fault that ran its factory more than once or whose calls got different values
/// (G6, HistoryChecker.Bursts.cs). Measured only: failed calls, staleness within bounds, factory runs per burst under faults.
/// </remarks>
internal sealed partial class HistoryChecker(RunHistory history, IReadOnlyDictionary<string, FinalState> finals, TimeSpan noFaultBound, TimeSpan checkedAt)
{
    private const string None = "none";
    private const int ExamplesPerViolation = 5;

    /// <summary>How much of a client's log a staleness violation shows: lines, and how long before the change.</summary>
    private const int ClientLogLines = 12;

    private static readonly TimeSpan ClientLogLead = TimeSpan.FromSeconds(10);

    private readonly List<FaultWindow> _faults = [.. history.Faults.OrderBy(f => f.Start)];
    private readonly List<TimeSpan> _dataLosses = [.. history.Faults.Select(f => f.DataLostUntil).OfType<TimeSpan>()];
    private readonly Dictionary<string, KindFigures> _kinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _violations = new(StringComparer.Ordinal);

    public FaultReport Check()
    {
        Figures(None).Bound = noFaultBound;
        foreach (var fault in _faults)
        {
            var figures = Figures(fault.Kind.ToString());
            figures.Injected++;
            figures.Bound = fault.Bound > figures.Bound ? fault.Bound : figures.Bound;
            if (fault.ServedAgain is { } served && served - fault.Healed > figures.MaxRecovery)
            {
                figures.MaxRecovery = served - fault.Healed;
            }
        }

        var operations = history.Operations.ToList();
        foreach (var op in operations)
        {
            foreach (var kind in KindsOver(op.Start, op.End))
            {
                var figures = Figures(kind);
                figures.Operations++;
                figures.Failed += op.Ok ? 0 : 1;
            }
        }

        var patterns = operations.Where(o => o.Kind == OperationKind.Pattern).ToList();
        foreach (var group in operations.Where(o => o.Kind != OperationKind.Pattern).GroupBy(o => o.Target, StringComparer.Ordinal))
        {
            var ops = group.ToList();
            var keyPatterns = patterns.Where(p => KeySpace.Matches(p.Target, group.Key)).ToList();
            CheckStaleness(group.Key, ops, keyPatterns);
            CheckMonotonic(group.Key, ops);
            CheckDurability(group.Key, ops, keyPatterns);
        }

        CheckBursts();
        CheckBridge(operations);
        foreach (var incident in history.Incidents)
        {
            Violate("incident", incident);
        }

        var report = new FaultReport
        {
            Kinds = [.. _kinds.Values.OrderBy(k => k.Kind == None ? 0 : 1).ThenBy(k => k.Kind, StringComparer.Ordinal)],
            Violations = [.. _violations.SelectMany(v => v.Value.Take(ExamplesPerViolation).Append(v.Value.Count > ExamplesPerViolation ? $"... and {v.Value.Count - ExamplesPerViolation} more of kind '{v.Key}'" : null).OfType<string>())],
            ViolationCount = _violations.Sum(v => v.Value.Count),
        };
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{operations.Count} operations ({operations.Count(o => o.Kind == OperationKind.Read)} reads, {operations.Count(o => o.Kind == OperationKind.Write)} writes, {operations.Count(o => o.Kind == OperationKind.Invalidate)} key invalidations, {patterns.Count} pattern invalidations; {operations.Count(o => !o.Ok)} failed), {_faults.Count} faults; {history.Bursts.Count} get-or-create bursts ({history.Bursts.Sum(b => b.Calls)} calls, {history.Bursts.Sum(b => b.Calls - b.Results.Count)} failed) ran their factories {history.FactoryRuns.Count} times; {history.BridgeMessages.Count} bridge invalidations ({string.Join(", ", history.BridgeMessages.GroupBy(m => m.Path).Select(g => $"{g.Key} {g.Count()}"))}; {history.BridgeMessages.Count(m => !m.Ok)} not acknowledged by Redis, {history.BridgeMessages.Count(m => m.Ok && m.AppliedSeenAt is null)} not seen applied by every client within the probe's wait)."));
        if (history.ClientLogs.Dropped > 0)
        {
            report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"the clients' log kept its first {ClientLog.Capacity} entries and dropped {history.ClientLogs.Dropped}"));
        }

        report.Notes.AddRange(history.Skipped.Select(s => "skipped: " + s));
        report.Notes.AddRange(history.Events);

        return report;
    }

    /// <summary>
    /// A read is as stale as the time since the first change newer than what it returned was acknowledged, counted
    /// from when the read began (0 if no newer change was acknowledged yet). A pattern invalidation counts as a change
    /// newer than every value that was seen before the pattern began.
    /// </summary>
    private void CheckStaleness(string key, List<OperationRecord> ops, List<OperationRecord> keyPatterns)
    {
        // Indexes, so a soak's hundreds of thousands of reads per key are checked in O(log n) each: the earliest end of a
        // change newer than a version, when each version was first seen, and the earliest end of a pattern that began
        // after a moment.
        var newer = new EarliestEndAbove<CacheVersion>(ops.Where(o => o.Ok && o.Version is not null && o.Kind is OperationKind.Write or OperationKind.Invalidate).Select(o => (o.Version!.Value, o.End)));
        var firstSeenAt = ops.Where(o => o.Ok && o.Version is not null)
            .GroupBy(o => o.Version!.Value)
            .ToDictionary(g => g.Key, g => g.Min(o => o.End));
        var patternsBegun = new EarliestEndAfter([.. keyPatterns.Where(p => p.Ok)]);
        foreach (var read in ops.Where(o => o.Ok && o.Kind == OperationKind.Read && o.Version is not null))
        {
            var version = read.Version!.Value;
            TimeSpan? newerSince = newer.Of(version) is { } changed && changed < read.Start ? changed : null;
            if (read.Found)
            {
                // Seen before some pattern began: that pattern removed it (or something newer was already there).
                var firstSeen = firstSeenAt.GetValueOrDefault(version, TimeSpan.MaxValue);
                if (patternsBegun.Of(firstSeen) is { } patternEnd && patternEnd < read.Start)
                {
                    newerSince = newerSince is { } since && since <= patternEnd ? since : patternEnd;
                }
            }

            var staleness = newerSince is { } t ? read.Start - t : TimeSpan.Zero;
            var kinds = KindsOver(newerSince ?? read.Start, read.End);
            var bound = BoundOver(newerSince ?? read.Start, read.End);
            foreach (var kind in kinds)
            {
                var figures = Figures(kind);
                figures.AddRead(staleness);
                figures.OverBound += staleness > bound ? 1 : 0;
            }

            if (staleness > bound)
            {
                Violate("staleness", $"client {read.Client} read {key} at {At(read.Start)} and got version {version}, {Ms(staleness)} older than a change acknowledged at {At(newerSince!.Value)} (bound {Ms(bound)}; faults: {string.Join(", ", kinds)}){ClientLogOf(read.Client, key, newerSince!.Value, read.End)}");
            }
        }
    }

    /// <summary>Per client: a read never returns a version older than one the client read or wrote before it began.</summary>
    private void CheckMonotonic(string key, List<OperationRecord> ops)
    {
        foreach (var client in ops.Where(o => o.Ok && o.Version is not null).GroupBy(o => o.Client))
        {
            var byEnd = client.OrderBy(o => o.End).ToList();
            var next = 0;
            OperationRecord? latest = null;
            foreach (var read in client.Where(o => o.Kind == OperationKind.Read).OrderBy(o => o.Start))
            {
                for (; next < byEnd.Count && byEnd[next].End < read.Start; next++)
                {
                    latest = latest is null || byEnd[next].Version!.Value > latest.Version!.Value ? byEnd[next] : latest;
                }

                if (latest is not null && read.Version!.Value < latest.Version!.Value)
                {
                    foreach (var kind in KindsOver(latest.End, read.End))
                    {
                        Figures(kind).Backwards++;
                    }

                    Violate("backwards", $"client {read.Client} read {key} at {At(read.Start)}: version {read.Version} after its {latest.Kind} of version {latest.Version} ended at {At(latest.End)}");
                }
            }
        }
    }

    /// <summary>
    /// The key's final state must be its last acknowledged change, or something an operation that may have come after
    /// it produced (a failed write's value, a failed invalidation, a pattern), at a version at least as large. A missing
    /// key may read at a larger version than the invalidation that removed it: a new activation starts a new version.
    /// </summary>
    private void CheckDurability(string key, List<OperationRecord> ops, List<OperationRecord> keyPatterns)
    {
        var last = ops.Where(o => o.Ok && o.Version is not null && o.Kind is OperationKind.Write or OperationKind.Invalidate).MaxBy(o => o.Version!.Value);
        if (last is null || !finals.TryGetValue(key, out var final))
        {
            return;
        }

        // Redis came back empty after this change began: it may be lost (the fault's point); any change after is judged.
        if (_dataLosses.Any(lostUntil => last.Start < lostUntil))
        {
            return;
        }

        var later = ops.Where(o => !o.Ok && o.Kind is OperationKind.Write or OperationKind.Invalidate && o.End > last.Start).ToList();
        var laterPattern = keyPatterns.Any(p => p.End > last.Start);
        var explained = final.Version >= last.Version!.Value && (final.Found
            ? (last.Kind == OperationKind.Write && string.Equals(final.Value, last.Value, StringComparison.Ordinal)) || later.Any(o => o.Kind == OperationKind.Write && string.Equals(o.Value, final.Value, StringComparison.Ordinal))
            : last.Kind == OperationKind.Invalidate || laterPattern || later.Any(o => o.Kind == OperationKind.Invalidate));
        if (explained)
        {
            return;
        }

        foreach (var kind in KindsOver(last.Start, checkedAt))
        {
            Figures(kind).LostWrites++;
        }

        Violate("lost", $"{key}: the last acknowledged change was client {last.Client}'s {last.Kind} of '{last.Value}' at version {last.Version} (ended {At(last.End)}), but afterwards it is {(final.Found ? $"'{final.Value}'" : "missing")} at version {final.Version}");
    }

    private List<string> KindsOver(TimeSpan from, TimeSpan to)
    {
        var kinds = _faults.Where(f => f.Overlaps(from, to)).Select(f => f.Kind.ToString()).Distinct(StringComparer.Ordinal).ToList();
        return kinds.Count == 0 ? [None] : kinds;
    }

    private TimeSpan BoundOver(TimeSpan from, TimeSpan to) =>
        _faults.Where(f => f.Overlaps(from, to)).Select(f => f.Bound).Append(noFaultBound).Max();

    private KindFigures Figures(string kind)
    {
        if (!_kinds.TryGetValue(kind, out var figures))
        {
            _kinds[kind] = figures = new KindFigures { Kind = kind };
        }

        return figures;
    }

    private void Violate(string kind, string text)
    {
        if (!_violations.TryGetValue(kind, out var list))
        {
            _violations[kind] = list = [];
        }

        list.Add(text);
    }

    /// <summary>
    /// What the client logged about the key's partition and its connections, from a while before a change until a read
    /// that missed it, for the report.
    /// </summary>
    private string ClientLogOf(int client, string key, TimeSpan from, TimeSpan to)
    {
        var partition = CachePartitions.Of(key);
        var since = from - ClientLogLead;
        return history.ClientLogs.Of(client, partition, since, to, ClientLogLines) is { Count: > 0 } lines
            ? $"; client {client}'s log about partition {partition} and its connections from {At(since)}:\n    " + string.Join("\n    ", lines)
            : $"; client {client} logged nothing about partition {partition} or its connections from {At(since)}";
    }

    private static string At(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"t={t.TotalSeconds:0.000}s");

    private static string Ms(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0} ms");
}
