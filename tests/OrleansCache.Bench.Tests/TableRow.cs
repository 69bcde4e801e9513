namespace OrleansCache.Bench.Tests;

/// <summary>A row of the table as the benchmark writes it to JSON.</summary>
internal sealed record TableRow(string Id, string What, double Ours, double Peer, string Unit, string PeerName, double Ratio, string Target, bool? Met);
