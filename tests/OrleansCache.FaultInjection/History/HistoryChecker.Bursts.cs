using System.Globalization;

namespace OrleansCache.FaultInjection.History;

/// <summary>Get-or-create bursts (G6): single flight and one value per burst, away from faults.</summary>
internal sealed partial class HistoryChecker
{
    /// <summary>
    /// A burst that no fault's window overlaps must have run its factory at most once, and every call that returned
    /// must have got one value, made by one of the key's factory runs (docs/consistency.md, G6). Under a fault more runs
    /// are allowed (G6's own exceptions: the fill's activation goes away while the factory runs, so waiters ask again;
    /// the lease holder is lost, so its lease expires and a waiter fills; the fill cannot be stored, so the activation
    /// deactivates and waiters ask again), and the calls may get different values (a filler's value that could not be
    /// stored is still returned to it): both are only measured.
    /// </summary>
    private void CheckBursts()
    {
        var runs = history.FactoryRuns.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var burst in history.Bursts)
        {
            var keyRuns = runs.GetValueOrDefault(burst.Key) ?? [];
            var kinds = KindsOver(burst.Start, burst.End);
            foreach (var kind in kinds)
            {
                var figures = Figures(kind);
                figures.Bursts++;
                figures.FactoryRuns += keyRuns.Count;
            }

            if (kinds is not [None])
            {
                continue;
            }

            if (keyRuns.Count > 1)
            {
                Violate("single flight", string.Create(CultureInfo.InvariantCulture, $"the get-or-create burst on {burst.Key} ({burst.Calls} calls, {At(burst.Start)} to {At(burst.End)}, no fault) ran the factory {keyRuns.Count} times: {string.Join(", ", keyRuns.Select(r => $"client {r.Client} at {At(r.At)}"))}"));
            }

            var values = burst.Results.Distinct(StringComparer.Ordinal).ToList();
            if (values.Count > 1)
            {
                Violate("burst values", $"the get-or-create burst on {burst.Key} (no fault) returned {values.Count} different values: {string.Join(" | ", values)}");
            }
            else if (values is [var value] && !keyRuns.Any(r => string.Equals(r.Value, value, StringComparison.Ordinal)))
            {
                Violate("burst values", $"the get-or-create burst on {burst.Key} (no fault) returned '{value}', which none of its factory runs made");
            }
        }
    }
}
