namespace OrleansCache.TestSupport.Http;

/// <summary>One line of a <see cref="PrometheusText"/>: a name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
