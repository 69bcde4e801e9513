namespace OrleansCache.Core;

/// <summary>Marker for grain interfaces. Every method of a grain interface returns a task.</summary>
public interface IGrain;
