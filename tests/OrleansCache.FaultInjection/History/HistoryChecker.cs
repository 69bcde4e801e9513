using System.Globalization;
using OrleansCache.FaultInjection.Workload;
using OrleansCache.Grains.Interfaces;

namespace OrleansCache.FaultInjection.History;

/// <summary>
/// Checks a run's history against the promises of docs/consistency.md and docs/wire-format.md, and measures the rest.
/// Each operation is attributed to every fault whose window (injection to healed plus its bound) it overlaps, or to
/// <c>none</c>.
/// </summary>
/// <remarks>
/// Violations: an acknowledged write missing afterwards (G7); a read older than what its client already saw (monotonic
/// reads, read-your-writes); a read staler than the bound of the faults around it (G4: 1 s without faults); with no
/// fault around it, a get-or-create burst running its factory more than once (G6), or a bridge message not applied
/// exactly once; a stream message never applied, whatever the faults (durable ingest).
/// Measured only: failed calls, staleness within bounds, factory and pub/sub figures under faults.
/// </remarks>
internal sealed class HistoryChecker(RunHistory history, IReadOnlyDictionary<string, FinalState> finals, TimeSpan noFaultBound, TimeSpan bridgeSettle, TimeSpan checkedAt)
{
    /// <summary>How close to a read a silo's "stale activation" log line for its key must be to explain it.</summary>
    private static readonly TimeSpan EvidenceWindow = TimeSpan.FromSeconds(5);

    private const string None = "none";
    private const int ExamplesPerViolation = 5;

    private readonly List<FaultWindow> _faults = [.. history.Faults.OrderBy(f => f.Start)];
    private readonly Dictionary<string, KindFigures> _kinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _violations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TimeSpan>> _staleness = new(StringComparer.Ordinal);
    public FaultReport Check()
    {
        Figures(None).Bound = noFaultBound;
        foreach (var fault in _faults)
        {
            var figures = Figures(fault.Kind.ToString());
            figures.Injected++;
            figures.Bound = fault.Bound > figures.Bound ? fault.Bound : figures.Bound;
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

        var byKey = operations.Where(o => o.Kind != OperationKind.Pattern).GroupBy(o => o.Target, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var patterns = operations.Where(o => o.Kind == OperationKind.Pattern).ToList();
        foreach (var (key, ops) in byKey)
        {
            var keyPatterns = patterns.Where(p => KeySpace.Matches(p.Target, key)).ToList();
            CheckStaleness(key, ops, keyPatterns);
            CheckMonotonic(key, ops);
            CheckDurability(key, ops, keyPatterns);
        }

        CheckBursts();
        CheckBridge();

        foreach (var (kind, values) in _staleness)
        {
            values.Sort();
            Figures(kind).P99Staleness = values.Count == 0 ? TimeSpan.Zero : values[Math.Min(values.Count - 1, (int)Math.Ceiling(values.Count * 0.99) - 1)];
        }

        var violations = _violations.SelectMany(v => v.Value.Take(ExamplesPerViolation).Append(v.Value.Count > ExamplesPerViolation ? $"... and {v.Value.Count - ExamplesPerViolation} more of kind '{v.Key}'" : null).OfType<string>()).ToList();
        var report = new FaultReport { Kinds = [.. _kinds.Values.OrderBy(k => k.Kind == None ? 0 : 1).ThenBy(k => k.Kind, StringComparer.Ordinal)], Violations = violations };
        report.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{operations.Count} operations ({operations.Count(o => o.Kind == OperationKind.Read)} reads, {operations.Count(o => o.Kind == OperationKind.Write)} writes, {operations.Count(o => o.Kind == OperationKind.Invalidate)} key invalidations, {patterns.Count} pattern invalidations), {history.Bursts.Count} get-or-create bursts, {history.BridgeMessages.Count} bridge messages, {_faults.Count} faults."));
        return report;
    }

    /// <summary>
    /// A read is as stale as the time since the first change newer than what it returned was acknowledged, counted
    /// from when the read began (0 if no newer change was acknowledged yet). A pattern invalidation counts as a change
    /// newer than every value that was seen before the pattern began.
    /// </summary>
    private void CheckStaleness(string key, List<OperationRecord> ops, List<OperationRecord> keyPatterns)
    {
        var changes = ops.Where(o => o.Ok && o.Version is not null && o.Kind is OperationKind.Write or OperationKind.Invalidate).OrderBy(o => o.End).ToList();
        var seen = ops.Where(o => o.Ok && o.Version is not null).ToList();
        foreach (var read in ops.Where(o => o.Ok && o.Kind == OperationKind.Read && o.Version is not null))
        {
            var version = read.Version!.Value;
            TimeSpan? newerSince = changes.FirstOrDefault(c => c.End < read.Start && c.Version!.Value > version)?.End;
            if (read.Found)
            {
                // Seen before some pattern began: that pattern removed it (or something newer was already there).
                var firstSeen = seen.Where(o => o.Version == version).Select(o => o.End).DefaultIfEmpty(TimeSpan.MaxValue).Min();
                foreach (var pattern in keyPatterns.Where(p => p.Ok && p.End < read.Start && p.Start > firstSeen))
                {
                    newerSince = newerSince is { } since && since <= pattern.End ? since : pattern.End;
                    break;
                }
            }

            var staleness = newerSince is { } t ? read.Start - t : TimeSpan.Zero;
            var kinds = KindsOver(newerSince ?? read.Start, read.End);
            var bound = BoundOver(newerSince ?? read.Start, read.End);
            foreach (var kind in kinds)
            {
                var figures = Figures(kind);
                figures.Reads++;
                figures.StaleReads += staleness > TimeSpan.Zero ? 1 : 0;
                figures.MaxStaleness = staleness > figures.MaxStaleness ? staleness : figures.MaxStaleness;
                figures.OverBound += staleness > bound ? 1 : 0;
                Staleness(kind).Add(staleness);
            }

            if (staleness > bound)
            {
                Violate("staleness", $"client {read.Client} read {key} at {At(read.Start)} and got version {version}, {Ms(staleness)} older than a change acknowledged at {At(newerSince!.Value)} (bound {Ms(bound)}; faults: {string.Join(", ", kinds)})");
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
                    var kinds = KindsOver(latest.End, read.End);
                    foreach (var kind in kinds)
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

        var later = ops.Where(o => !o.Ok && o.Kind is OperationKind.Write or OperationKind.Invalidate && o.End > last.Start).ToList();
        var laterPattern = keyPatterns.Any(p => p.End > last.Start);
        var explained = final.Version >= last.Version!.Value && (final.Found
            ? string.Equals(final.Value, last.Value, StringComparison.Ordinal) && last.Kind == OperationKind.Write || later.Any(o => o.Kind == OperationKind.Write && string.Equals(o.Value, final.Value, StringComparison.Ordinal))
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

    private void CheckBursts()
    {
        foreach (var burst in history.Bursts)
        {
            var kinds = KindsOver(burst.Start, burst.End);
            foreach (var kind in kinds)
            {
                var figures = Figures(kind);
                figures.Bursts++;
                figures.BurstsWithRepeatedFactory += burst.FactoryRuns > 1 ? 1 : 0;
                figures.BurstCallersFailed += burst.Callers - burst.Succeeded;
            }

            if (burst.FactoryRuns != 1 && burst.Succeeded > 0 && kinds.Contains(None))
            {
                Violate("factory", $"get-or-create burst on {burst.Key} at {At(burst.Start)} ran its factory {burst.FactoryRuns} times with no fault around it");
            }
        }
    }

    private void CheckBridge()
    {
        foreach (var message in history.BridgeMessages.Values)
        {
            if (!finals.TryGetValue(message.Key, out var final))
            {
                continue;
            }

            message.Applied = final.Found ? 0
                : final.Version.Era == message.Before.Era && final.Version.Activation == message.Before.Activation ? (int)(final.Version.Change - message.Before.Change)
                : Math.Max(1, message.Heard);
            var kinds = KindsOver(message.Started, message.Sent + bridgeSettle);
            foreach (var kind in kinds)
            {
                Figures(kind).CountBridge(message.Path, message.Applied);
            }

            var quiet = kinds.Contains(None);
            // Pub/sub paths (canonical, typed, keyspace) lose messages on disconnect by design: judged with no fault around.
            if (message.Applied == 0 && (message.Path == BridgePath.Stream || quiet && message.Receivers > 0))
            {
                Violate("bridge-lost", $"{message.Path} message {message.Id} for {message.Key} (sent {At(message.Sent)}, {message.Receivers} receivers) was never applied (faults: {string.Join(", ", kinds)}; the key was set at {message.Before}, and read at the end at {final.Version})");
            }

            if (message.Applied > 1 && quiet)
            {
                Violate("bridge-twice", $"{message.Path} message {message.Id} for {message.Key} (sent {At(message.Sent)}) was applied {message.Applied} times with no fault around it");
            }
        }
    }

    /// <summary>
    /// Two activations of the key may have served it: a fault that moves keys was around, or a silo logged that an
    /// activation of this key found itself stale (its state behind storage) close to that time.
    /// </summary>
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

    private List<TimeSpan> Staleness(string kind)
    {
        if (!_staleness.TryGetValue(kind, out var values))
        {
            _staleness[kind] = values = [];
        }

        return values;
    }

    private void Violate(string kind, string text)
    {
        if (!_violations.TryGetValue(kind, out var list))
        {
            _violations[kind] = list = [];
        }

        list.Add(text);
    }

    private static string At(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"t={t.TotalSeconds:0.000}s");

    private static string Ms(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0} ms");
}
