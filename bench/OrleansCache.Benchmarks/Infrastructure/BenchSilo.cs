namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>A silo of the benchmark's cluster: its silo port (how Orleans names it) and its gateway (<c>host:port</c>).</summary>
internal sealed record BenchSilo(int SiloPort, string Gateway);
