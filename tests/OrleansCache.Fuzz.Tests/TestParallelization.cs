using Xunit;

// The fuzz tests run one after another: they measure allocation per input, count process-wide log lines and metrics,
// and each starts silos or a redis-server; side by side on a two-core machine their timing bounds would mean little.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
