using System.Collections.Concurrent;
using System.Reflection;

namespace OrleansCache.Core;

/// <summary>Resolves the wire name of a grain interface.</summary>
public static class GrainTypeNames
{
    private static readonly ConcurrentDictionary<Type, string> Cache = new();

    /// <summary>The grain type name of <paramref name="grainInterface"/>.</summary>
    /// <exception cref="ArgumentException">The type is not an interface deriving from <see cref="IGrain"/>.</exception>
    public static string Of(Type grainInterface)
    {
        ArgumentNullException.ThrowIfNull(grainInterface);
        return Cache.GetOrAdd(grainInterface, static type =>
        {
            if (!type.IsInterface || !typeof(IGrain).IsAssignableFrom(type))
            {
                throw new ArgumentException($"'{type.FullName}' is not a grain interface: it must be an interface that extends {nameof(IGrain)}.", nameof(grainInterface));
            }

            return type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? type.FullName!;
        });
    }
}
