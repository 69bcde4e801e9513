namespace OrleansCache.Runtime.Tests.Grains;

/// <summary>What a call saw inside the grain.</summary>
public sealed record CallInfo(string ActivationId, string Silo, int Count, string Epoch);
