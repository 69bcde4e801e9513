using Xunit;

namespace OrleansCache.Bench.Tests;

/// <summary>
/// The harness's runs and the staleness test one after another, not side by side: each loads both cores, and the
/// staleness test's bound is checked on a machine that runs the rest of the suite already.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BenchCollection
{
    public const string Name = "bench";
}
