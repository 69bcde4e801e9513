using System.Buffers;
using System.Text;
using Google.Protobuf;
using OrleansCache.Core.Messaging;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.Tests.Grains;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestSupport.Metrics;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace OrleansCache.Runtime.Tests.Messaging;

public sealed class MalformedInputTests
{
    public static TheoryData<string, byte[], bool> BadInputs => new()
    {
        { "garbage text", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: silo\r\n\r\n"), false },
        { "2 GiB length", [0x80, 0x00, 0x00, 0x00, 1, 2, 3], false },
        { "4 GiB length", [0xFF, 0xFF, 0xFF, 0xFF], false },
        { "truncated frame", [0x00, 0x00, 0x00, 0x64, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true },
        { "invalid protobuf", [0x00, 0x00, 0x00, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], false },
        { "empty envelope", [0x00, 0x00, 0x00, 0x00], false },
        { "request before hello", Frame(new Envelope { Request = new Request { Id = 1, GrainType = "test-sequence", GrainKey = "k", Method = "NextAsync" } }), false },
        { "hello of another cluster", Frame(new Envelope { Hello = new Hello { ProtocolVersion = 1, ClusterId = "nope", Role = PeerRole.Client } }), false },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadBytes_OnGatewayPort_CloseOnlyThatConnection_OthersKeepWorking(string what, byte[] bytes, bool halfClose)
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(Keys.Unique());
        await grain.NextAsync();

        await RawConnection.SendAndAwaitCloseAsync(cluster.Silos[0].GatewayEndPoint, bytes, halfClose, Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.True(cluster.Client.IsConnected, what);
        Assert.Equal(2, (await grain.NextAsync()).Count);
    }

    [Fact]
    public async Task BadBytes_OnSiloPort_CloseOnlyThatConnection_AndAreCounted()
    {
        using var rejected = new MetricTotals("OrleansCache.Runtime");
        await using var cluster = await Clusters.StartAsync(silos: 2);
        var grain = cluster.Client.GetGrain<ISequenceGrain>(cluster.KeyOwnedBy<ISequenceGrain>(cluster.Silos[1]));
        var siloPort = cluster.Silos[1].Address.EndPoint;

        foreach (var input in BadInputs)
        {
            var (_, bytes, halfClose) = input.Data;
            await RawConnection.SendAndAwaitCloseAsync(siloPort, bytes, halfClose, Clusters.Timeout, TestContext.Current.CancellationToken);
            await grain.NextAsync();
        }

        Assert.True(rejected.Get("orleanscache.connections.rejected") >= BadInputs.Count, $"{rejected.Get("orleanscache.connections.rejected")} rejections counted for {BadInputs.Count} bad connections.");
    }

    [Fact]
    public async Task SilentConnection_IsClosedAfterHandshakeTimeout()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.ConfigureSilo = s => s.ConfigureMessaging(m => m.Connection.HandshakeTimeout = TimeSpan.FromMilliseconds(300)));

        var received = await RawConnection.SendAndAwaitCloseAsync(cluster.Silos[0].GatewayEndPoint, [], halfClose: false, Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.Empty(received);
    }

    [Fact]
    public async Task WrongClusterHello_GetsWelcomeWithRejectionReason()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var hello = Frame(new Envelope { Hello = new Hello { ProtocolVersion = FrameCodec.ProtocolVersion, ClusterId = "nope", Role = PeerRole.Client } });

        var received = await RawConnection.SendAndAwaitCloseAsync(cluster.Silos[0].GatewayEndPoint, hello, halfClose: false, Clusters.Timeout, TestContext.Current.CancellationToken);

        var sequence = new ReadOnlySequence<byte>(received);
        Assert.True(FrameCodec.TryReadFrame(ref sequence, 1 << 20, out var payload));
        Assert.Contains("does not match", FrameCodec.Parse(payload).Welcome.Rejection, StringComparison.Ordinal);
    }

    private static byte[] Frame(Envelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(buffer, envelope, 1 << 20);
        return buffer.WrittenSpan.ToArray();
    }
}
