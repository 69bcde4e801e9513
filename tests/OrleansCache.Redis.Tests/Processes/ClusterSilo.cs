using OrleansCache.TestSupport.Processes;

namespace OrleansCache.Redis.Tests.Processes;

/// <summary>One silo process of a <see cref="SiloProcessCluster"/>, with the silo port that names it in the membership.</summary>
internal sealed record ClusterSilo(SiloProcess Process, int SiloPort);
