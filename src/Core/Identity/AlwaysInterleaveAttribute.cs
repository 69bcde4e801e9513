namespace OrleansCache.Core;

/// <summary>
/// Marks a grain interface method that runs as soon as it arrives, alongside the grain's current call instead of after
/// it. Use it for methods that only wait for something the grain's other calls complete (e.g. waiting for a fill);
/// such a method must touch only thread-safe state.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AlwaysInterleaveAttribute : Attribute;
