using System.Reflection;
using Google.Protobuf;

namespace OrleansCache.Core.Proxies;

/// <summary>How one grain interface method is called on the wire, for both the proxy and the silo.</summary>
internal sealed class GrainMethodDescriptor
{
    private static readonly MethodInfo DecodeTaskMethod = typeof(GrainMethodDescriptor).GetMethod(nameof(DecodeTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo DecodeValueTaskMethod = typeof(GrainMethodDescriptor).GetMethod(nameof(DecodeValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo EncodeTaskMethod = typeof(GrainMethodDescriptor).GetMethod(nameof(EncodeTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo EncodeValueTaskMethod = typeof(GrainMethodDescriptor).GetMethod(nameof(EncodeValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<Task<ByteString>, object> _decodeResult;
    private readonly Func<object, Task<ByteString>> _encodeResult;

    public GrainMethodDescriptor(MethodInfo method)
    {
        Method = method;
        Name = method.Name;
        AlwaysInterleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
        var parameters = method.GetParameters();
        CancellationTokenIndex = -1;
        var types = new List<Type>(parameters.Length);
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType.IsByRef)
            {
                throw new ArgumentException($"Grain method {method.DeclaringType?.Name}.{method.Name} has a by-reference parameter '{parameter.Name}'; grain calls cannot return through parameters.");
            }

            if (parameter.ParameterType == typeof(CancellationToken))
            {
                CancellationTokenIndex = i;
                continue;
            }

            types.Add(parameter.ParameterType);
        }

        ParameterCount = parameters.Length;
        ArgumentTypes = [.. types];

        var returnType = method.ReturnType;
        if (returnType == typeof(Task))
        {
            _decodeResult = static raw => DecodeVoidTask(raw);
            _encodeResult = static task => EncodeVoidTask((Task)task);
        }
        else if (returnType == typeof(ValueTask))
        {
            _decodeResult = static raw => new ValueTask(DecodeVoidTask(raw));
            _encodeResult = static task => EncodeVoidTask(((ValueTask)task).AsTask());
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var resultType = returnType.GetGenericArguments()[0];
            _decodeResult = DecodeTaskMethod.MakeGenericMethod(resultType).CreateDelegate<Func<Task<ByteString>, object>>();
            _encodeResult = EncodeTaskMethod.MakeGenericMethod(resultType).CreateDelegate<Func<object, Task<ByteString>>>();
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var resultType = returnType.GetGenericArguments()[0];
            _decodeResult = DecodeValueTaskMethod.MakeGenericMethod(resultType).CreateDelegate<Func<Task<ByteString>, object>>();
            _encodeResult = EncodeValueTaskMethod.MakeGenericMethod(resultType).CreateDelegate<Func<object, Task<ByteString>>>();
        }
        else
        {
            throw new ArgumentException($"Grain method {method.DeclaringType?.Name}.{method.Name} returns {returnType.Name}; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>.");
        }
    }

    public MethodInfo Method { get; }

    /// <summary>Runs alongside the grain's current call rather than after it (see <see cref="AlwaysInterleaveAttribute"/>).</summary>
    public bool AlwaysInterleave { get; }

    /// <summary>The method's name on the wire.</summary>
    public string Name { get; }

    /// <summary>The types of the arguments that travel (every parameter except a CancellationToken).</summary>
    public Type[] ArgumentTypes { get; }

    /// <summary>Index of the CancellationToken parameter, or -1.</summary>
    public int CancellationTokenIndex { get; }

    public int ParameterCount { get; }

    /// <summary>Client side: encodes the call's arguments (skipping the token).</summary>
    public void EncodeArguments(object?[] args, Google.Protobuf.Collections.RepeatedField<ByteString> into)
    {
        var argumentIndex = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (i == CancellationTokenIndex)
            {
                continue;
            }

            into.Add(ValueCodec.Encode(args[i], ArgumentTypes[argumentIndex++]));
        }
    }

    /// <summary>Client side: the token the caller passed, if the method takes one.</summary>
    public CancellationToken GetCancellationToken(object?[] args) =>
        CancellationTokenIndex >= 0 && args[CancellationTokenIndex] is CancellationToken token ? token : CancellationToken.None;

    /// <summary>Client side: turns the raw response task into the method's return type.</summary>
    public object DecodeResult(Task<ByteString> raw) => _decodeResult(raw);

    /// <summary>Silo side: decodes arguments into a parameter array, placing <paramref name="cancellationToken"/>.</summary>
    /// <exception cref="FormatException">The argument count or an argument's bytes are wrong.</exception>
    public object?[] DecodeArguments(IReadOnlyList<ByteString> arguments, CancellationToken cancellationToken)
    {
        if (arguments.Count != ArgumentTypes.Length)
        {
            throw new FormatException($"{Name} takes {ArgumentTypes.Length} arguments; the request carries {arguments.Count}.");
        }

        var values = new object?[ParameterCount];
        var argumentIndex = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i == CancellationTokenIndex
                ? cancellationToken
                : ValueCodec.Decode(arguments[argumentIndex], ArgumentTypes[argumentIndex++]);
        }

        return values;
    }

    /// <summary>Silo side: awaits the task a grain method returned and encodes its result.</summary>
    public Task<ByteString> EncodeResult(object returnedTask) => _encodeResult(returnedTask);

    private static async Task<object?> DecodeVoidTask(Task<ByteString> raw)
    {
        await raw.ConfigureAwait(false);
        return null;
    }

    private static async Task<T> DecodeTyped<T>(Task<ByteString> raw)
    {
        var bytes = await raw.ConfigureAwait(false);
        object? value;
        try
        {
            value = ValueCodec.Decode(bytes, typeof(T));
        }
        catch (FormatException ex)
        {
            throw new OrleansCacheException($"The silo's response could not be read as {typeof(T).Name}: {ex.Message}", ex);
        }

        return (T)value!;
    }

    // Returns object on purpose: bound once to a Func<Task<ByteString>, object> per method.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Bound to a non-generic delegate.")]
    private static object DecodeTask<T>(Task<ByteString> raw) => DecodeTyped<T>(raw);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Bound to a non-generic delegate.")]
    private static object DecodeValueTask<T>(Task<ByteString> raw) => new ValueTask<T>(DecodeTyped<T>(raw));

    private static async Task<ByteString> EncodeVoidTask(Task task)
    {
        await task.ConfigureAwait(false);
        return ByteString.Empty;
    }

    private static async Task<ByteString> EncodeTask<T>(object task) =>
        ValueCodec.Encode(await ((Task<T>)task).ConfigureAwait(false), typeof(T));

    private static async Task<ByteString> EncodeValueTask<T>(object task) =>
        ValueCodec.Encode(await ((ValueTask<T>)task).ConfigureAwait(false), typeof(T));
}
