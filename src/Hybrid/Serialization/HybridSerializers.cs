using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Client;

namespace OrleansCache.Hybrid.Serialization;

/// <summary>
/// The serializer of each value type, found the way HybridCache finds it: an <see cref="IHybridCacheSerializer{T}"/>
/// service; else the last registered <see cref="IHybridCacheSerializerFactory"/> that accepts the type; else the
/// built-ins (strings as UTF-8, byte arrays as they are, anything else through the client's <see cref="ICacheSerializer"/>).
/// </summary>
internal sealed class HybridSerializers
{
    private readonly IServiceProvider _services;
    private readonly IHybridCacheSerializerFactory[] _factories;
    private readonly ICacheSerializer _fallback;
    private readonly ConcurrentDictionary<Type, object> _byType = new();

    public HybridSerializers(IServiceProvider services, ICacheSerializer fallback)
    {
        _services = services;
        _fallback = fallback;

        // Last registered first: a later registration overrides an earlier one.
        _factories = [.. services.GetServices<IHybridCacheSerializerFactory>().Reverse()];
    }

    public IHybridCacheSerializer<T> For<T>() => (IHybridCacheSerializer<T>)_byType.GetOrAdd(typeof(T), static (_, self) => self.Resolve<T>(), this);

    public byte[] Serialize<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        For<T>().Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public T Deserialize<T>(byte[] bytes) => For<T>().Deserialize(new ReadOnlySequence<byte>(bytes));

    private IHybridCacheSerializer<T> Resolve<T>()
    {
        if (_services.GetService<IHybridCacheSerializer<T>>() is { } registered)
        {
            return registered;
        }

        foreach (var factory in _factories)
        {
            if (factory.TryCreateSerializer<T>(out var created))
            {
                return created;
            }
        }

        if (typeof(T) == typeof(string))
        {
            return (IHybridCacheSerializer<T>)(object)Utf8StringSerializer.Instance;
        }

        if (typeof(T) == typeof(byte[]))
        {
            return (IHybridCacheSerializer<T>)(object)RawBytesSerializer.Instance;
        }

        return new CacheSerializerBridge<T>(_fallback);
    }
}
