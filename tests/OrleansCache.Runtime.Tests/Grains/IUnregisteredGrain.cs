using OrleansCache.Core;

namespace OrleansCache.Runtime.Tests.Grains;

/// <summary>A grain interface no silo hosts.</summary>
public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task PingAsync();
}
