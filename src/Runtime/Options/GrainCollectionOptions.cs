namespace OrleansCache.Runtime;

/// <summary>Bounds on a silo's activations. Bound from the <c>GrainCollection</c> configuration section.</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "GrainCollection";

    /// <summary>An activation unused for this long is deactivated. Default 15 min.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default 1 min.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most activations a silo keeps. When full, the least recently used idle ones are deactivated to make room;
    /// if none is idle, new activations are refused as overloaded. Default 1,000,000.
    /// </summary>
    public int MaxActivations { get; set; } = 1_000_000;

    /// <summary>The most calls that may wait in one activation's queue; more are refused as overloaded. Default 10,000.</summary>
    public int MaxQueuedCallsPerActivation { get; set; } = 10_000;
}
