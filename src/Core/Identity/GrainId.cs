namespace OrleansCache.Core;

/// <summary>
/// The identity of a grain: its grain type and its string key. Two grains with the same id are the same grain.
/// </summary>
/// <remarks>Equality is ordinal on both parts.</remarks>
public readonly record struct GrainId
{
    /// <summary>The longest key, in UTF-16 characters, the runtime accepts.</summary>
    public const int MaxKeyLength = 4096;

    /// <summary>Creates a grain id.</summary>
    /// <exception cref="ArgumentException">The type or key is empty, or the key is longer than <see cref="MaxKeyLength"/>.</exception>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A grain key may be at most {MaxKeyLength} characters; this one has {key.Length}.", nameof(key));
        }

        Type = type;
        Key = key;
    }

    /// <summary>The grain type name (see <see cref="GrainTypeAttribute"/>).</summary>
    public string Type { get; }

    /// <summary>The grain's key within its type, e.g. <c>user:123</c>.</summary>
    public string Key { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
