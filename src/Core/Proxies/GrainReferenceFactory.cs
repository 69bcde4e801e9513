namespace OrleansCache.Core.Proxies;

/// <summary>Creates typed grain references that send through one invoker.</summary>
internal sealed class GrainReferenceFactory(IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        var descriptor = GrainInterfaceDescriptor.For(typeof(TGrainInterface));
        var grainId = new GrainId(descriptor.GrainType, key);
        var proxy = System.Reflection.DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)proxy).Initialize(grainId, descriptor, invoker);
        return proxy;
    }
}
