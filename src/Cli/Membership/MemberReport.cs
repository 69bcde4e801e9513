using System.Globalization;

namespace OrleansCache.Cli.Membership;

/// <summary>Joins the membership table's rows with the silos' activation counts, for <c>members</c>.</summary>
internal static class MemberReport
{
    /// <summary>
    /// The cache-entry grain's class, as Orleans names grain types in its statistics (<c>Namespace.Class,Assembly</c>).
    /// The tool references no silo code, so it knows the class by name.
    /// </summary>
    public const string CacheEntryGrainClass = "OrleansCache.Grains.CacheEntryGrain";

    /// <summary>
    /// One row per silo, active ones first, then by address; dead silos (which stay in the table) only if
    /// <paramref name="includeDead"/>. Activation counts come from <paramref name="statistics"/>, which only silos that
    /// are active answer.
    /// </summary>
    public static IReadOnlyList<SiloMember> Build(IEnumerable<MembershipEntry> entries, IEnumerable<SimpleGrainStatistic> statistics, bool includeDead)
    {
        var bySilo = statistics.GroupBy(s => s.SiloAddress).ToDictionary(
            g => g.Key,
            g => (Entries: g.Where(s => IsCacheEntry(s.GrainType)).Sum(s => s.ActivationCount), All: g.Sum(s => s.ActivationCount)));
        return [.. entries
            .Where(e => includeDead || e.Status != SiloStatus.Dead)
            .OrderBy(e => e.Status == SiloStatus.Dead)
            .ThenBy(e => e.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(e =>
            {
                var answered = e.Status == SiloStatus.Active;
                var counts = bySilo.GetValueOrDefault(e.SiloAddress);
                return new SiloMember(
                    e.SiloAddress.ToParsableString(),
                    e.SiloName,
                    e.Status,
                    e.HostName,
                    e.ProxyPort > 0 ? string.Create(CultureInfo.InvariantCulture, $"{e.SiloAddress.Endpoint.Address}:{e.ProxyPort}") : null,
                    AsUtc(e.StartTime),
                    AsUtc(e.IAmAliveTime),
                    answered ? counts.Entries : null,
                    answered ? counts.All : null);
            })];
    }

    /// <summary>True for <see cref="CacheEntryGrainClass"/>, with or without its assembly.</summary>
    public static bool IsCacheEntry(string grainType)
    {
        var comma = grainType.IndexOf(',', StringComparison.Ordinal);
        var name = comma < 0 ? grainType : grainType[..comma];
        return string.Equals(name.Trim(), CacheEntryGrainClass, StringComparison.Ordinal);
    }

    /// <summary>The membership table keeps UTC times without a kind.</summary>
    private static DateTimeOffset AsUtc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
