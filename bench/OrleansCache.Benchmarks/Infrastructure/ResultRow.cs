namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>One measurement against one peer.</summary>
internal sealed record ResultRow(string Id, string What, double Ours, double Peer, string Unit, string PeerName, double Ratio, string Target, bool? Met);
