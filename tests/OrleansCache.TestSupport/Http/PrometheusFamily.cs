namespace OrleansCache.TestSupport.Http;

/// <summary>One metric family of a <see cref="PrometheusText"/>: its HELP, its TYPE and its samples, in order.</summary>
public sealed class PrometheusFamily(string name)
{
    private readonly List<PrometheusSample> _samples = [];

    public string Name { get; } = name;

    public string? Help { get; internal set; }

    public string? Type { get; internal set; }

    public IReadOnlyList<PrometheusSample> Samples => _samples;

    internal void Add(PrometheusSample sample) => _samples.Add(sample);
}
