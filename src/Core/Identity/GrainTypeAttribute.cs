namespace OrleansCache.Core;

/// <summary>
/// Gives a grain interface a stable type name on the wire. Without it the interface's full name is used,
/// which changes if the interface is renamed or moved.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The grain type name, e.g. <c>cache-entry</c>.</param>
    public GrainTypeAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The grain type name.</summary>
    public string Name { get; }
}
