using OrleansCache.Core.Proxies;
using Xunit;

namespace OrleansCache.Core.Tests;

public sealed class GrainInterfaceDescriptorTests
{
    [GrainType("sample")]
    public interface ISampleGrain : IGrainWithStringKey
    {
        Task<int> AddAsync(int a, int b, CancellationToken cancellationToken);

        ValueTask PingAsync();
    }

    public interface IDerivedGrain : ISampleGrain
    {
        Task<string> NameAsync();
    }

    public interface IOverloadedGrain : IGrainWithStringKey
    {
        Task DoAsync(int a);

        Task DoAsync(string a);
    }

    public interface ISyncGrain : IGrainWithStringKey
    {
        int Now();
    }

    public interface INotAGrain
    {
        Task DoAsync();
    }

    [Fact]
    public void For_GrainTypeAttribute_NamesTheType()
    {
        Assert.Equal("sample", GrainInterfaceDescriptor.For(typeof(ISampleGrain)).GrainType);
        Assert.Equal(typeof(IDerivedGrain).FullName, GrainInterfaceDescriptor.For(typeof(IDerivedGrain)).GrainType);
    }

    [Fact]
    public void For_DerivedInterface_IncludesInheritedMethods()
    {
        var names = GrainInterfaceDescriptor.For(typeof(IDerivedGrain)).ByName.Keys.Order(StringComparer.Ordinal);
        Assert.Equal(["AddAsync", "NameAsync", "PingAsync"], names);
    }

    [Fact]
    public void Method_CancellationToken_DoesNotTravel()
    {
        var add = GrainInterfaceDescriptor.For(typeof(ISampleGrain)).ByName["AddAsync"];
        Assert.Equal([typeof(int), typeof(int)], add.ArgumentTypes);
        Assert.Equal(2, add.CancellationTokenIndex);
    }

    [Fact]
    public void EncodeThenDecodeArguments_RoundTrips_AndPlacesToken()
    {
        var add = GrainInterfaceDescriptor.For(typeof(ISampleGrain)).ByName["AddAsync"];
        var request = new Protocol.Request();
        add.EncodeArguments([3, 4, CancellationToken.None], request.Arguments);
        using var cts = new CancellationTokenSource();

        var decoded = add.DecodeArguments(request.Arguments, cts.Token);

        Assert.Equal(3, decoded[0]);
        Assert.Equal(4, decoded[1]);
        Assert.Equal(cts.Token, decoded[2]);
    }

    [Fact]
    public void DecodeArguments_WrongCount_ThrowsFormatException()
    {
        var add = GrainInterfaceDescriptor.For(typeof(ISampleGrain)).ByName["AddAsync"];
        var request = new Protocol.Request();
        request.Arguments.Add(Google.Protobuf.ByteString.CopyFromUtf8("1"));
        Assert.Throws<FormatException>(() => add.DecodeArguments(request.Arguments, CancellationToken.None));
    }

    [Fact]
    public void For_OverloadedMethods_ThrowsWithReason()
    {
        var ex = Assert.Throws<ArgumentException>(() => GrainInterfaceDescriptor.For(typeof(IOverloadedGrain)));
        Assert.Contains("overloaded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_SynchronousMethod_ThrowsWithReason()
    {
        var ex = Assert.Throws<ArgumentException>(() => GrainInterfaceDescriptor.For(typeof(ISyncGrain)));
        Assert.Contains("must return Task", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_InterfaceWithoutGrainMarker_Throws()
    {
        Assert.Throws<ArgumentException>(() => GrainInterfaceDescriptor.For(typeof(INotAGrain)));
    }
}
