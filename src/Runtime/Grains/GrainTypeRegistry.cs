using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Core.Proxies;

namespace OrleansCache.Runtime.Grains;

/// <summary>The grain types this silo hosts: wire name to interface metadata and implementation factory.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<string, GrainTypeInfo> _types;

    public GrainTypeRegistry(IEnumerable<GrainRegistration> registrations)
    {
        var types = new Dictionary<string, GrainTypeInfo>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            var descriptor = GrainInterfaceDescriptor.For(registration.Interface);
            if (types.TryGetValue(descriptor.GrainType, out var existing) && existing.Implementation != registration.Implementation)
            {
                throw new InvalidOperationException($"Grain type '{descriptor.GrainType}' is registered twice, with {existing.Implementation.Name} and {registration.Implementation.Name}.");
            }

            types[descriptor.GrainType] = new GrainTypeInfo(descriptor, registration.Implementation, ActivatorUtilities.CreateFactory(registration.Implementation, Type.EmptyTypes));
        }

        _types = types.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string grainType, out GrainTypeInfo info) => _types.TryGetValue(grainType, out info!);
}

internal sealed record GrainTypeInfo(GrainInterfaceDescriptor Descriptor, Type Implementation, ObjectFactory Factory);
