using OrleansCache.Core;
using OrleansCache.Core.Proxies;
using OrleansCache.Runtime.Messaging;

namespace OrleansCache.Runtime.Hosting;

/// <summary>Grain references for code running in a silo (grains, hosted services); calls go through the router.</summary>
internal sealed class SiloGrainFactory(GrainCallRouter router) : IGrainFactory
{
    private readonly GrainReferenceFactory _references = new(router);

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        _references.GetGrain<TGrainInterface>(key);
}
