namespace OrleansCache.Core;

/// <summary>Creates references to grains. A reference is cheap; creating one sends nothing.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of type <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty or too long, or the interface is not a valid grain interface.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;
}
