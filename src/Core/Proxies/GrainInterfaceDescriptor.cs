using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;

namespace OrleansCache.Core.Proxies;

/// <summary>The methods of one grain interface (including inherited ones), validated once and cached.</summary>
internal sealed class GrainInterfaceDescriptor
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceDescriptor> Cache = new();

    private GrainInterfaceDescriptor(Type grainInterface)
    {
        InterfaceType = grainInterface;
        GrainType = GrainTypeNames.Of(grainInterface);
        var methods = new Dictionary<MethodInfo, GrainMethodDescriptor>();
        var byName = new Dictionary<string, GrainMethodDescriptor>(StringComparer.Ordinal);
        foreach (var type in grainInterface.GetInterfaces().Append(grainInterface))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                var descriptor = new GrainMethodDescriptor(method);
                if (!byName.TryAdd(descriptor.Name, descriptor))
                {
                    throw new ArgumentException($"Grain interface {grainInterface.Name} has more than one method named {method.Name}; grain methods cannot be overloaded.");
                }

                methods.Add(method, descriptor);
            }
        }

        ByMethod = methods.ToFrozenDictionary();
        ByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public Type InterfaceType { get; }

    public string GrainType { get; }

    public FrozenDictionary<MethodInfo, GrainMethodDescriptor> ByMethod { get; }

    public FrozenDictionary<string, GrainMethodDescriptor> ByName { get; }

    /// <exception cref="ArgumentException">The interface is not a valid grain interface.</exception>
    public static GrainInterfaceDescriptor For(Type grainInterface) => Cache.GetOrAdd(grainInterface, static t => new GrainInterfaceDescriptor(t));
}
