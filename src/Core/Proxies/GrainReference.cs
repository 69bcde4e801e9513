using System.Reflection;
using Google.Protobuf;
using OrleansCache.Core.Protocol;

namespace OrleansCache.Core.Proxies;

/// <summary>
/// The object behind every typed grain reference: turns an interface call into a request.
/// Created by <see cref="DispatchProxy"/>, which is why it is public and unsealed; do not use it directly.
/// </summary>
public class GrainReference : DispatchProxy
{
    private GrainInterfaceDescriptor _descriptor = null!;
    private IGrainCallInvoker _invoker = null!;

    /// <summary>The grain this reference points at.</summary>
    public GrainId GrainId { get; private set; }

    internal void Initialize(GrainId grainId, GrainInterfaceDescriptor descriptor, IGrainCallInvoker invoker)
    {
        GrainId = grainId;
        _descriptor = descriptor;
        _invoker = invoker;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (!_descriptor.ByMethod.TryGetValue(targetMethod, out var method))
        {
            throw new NotSupportedException($"{targetMethod.Name} is not a method of grain interface {_descriptor.InterfaceType.Name}.");
        }

        args ??= [];
        var request = new Request
        {
            GrainType = GrainId.Type,
            GrainKey = GrainId.Key,
            Method = method.Name,
        };

        Task<ByteString> raw;
        try
        {
            method.EncodeArguments(args, request.Arguments);
            raw = _invoker.InvokeAsync(request, method.GetCancellationToken(args));
        }
        catch (Exception ex)
        {
            raw = Task.FromException<ByteString>(ex);
        }

        return method.DecodeResult(raw);
    }

    /// <inheritdoc />
    public override string ToString() => $"GrainReference:{GrainId}";
}
