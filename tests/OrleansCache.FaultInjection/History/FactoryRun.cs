namespace OrleansCache.FaultInjection.History;

/// <summary>One run of a get-or-create burst's value factory: in which client, when it began, and the value it made.</summary>
/// <param name="Key">The burst's key.</param>
/// <param name="Client">The client whose factory ran.</param>
/// <param name="At">When it began (run clock).</param>
/// <param name="Value">The value it returned (unique to this run).</param>
internal sealed record FactoryRun(string Key, int Client, TimeSpan At, string Value);
