namespace OrleansCache.Benchmarks.Pairs.Invalidation;

/// <summary>One P5 repeat of one side: messages per second applied at every receiver, and what was lost.</summary>
internal sealed record SideThroughput(double PerSecond, long Missing, int Resyncs);
