using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using OrleansCache.Core.Membership;
using OrleansCache.Core.Protocol;
using OrleansCache.Runtime.SiloMessaging;
using OrleansCache.Runtime.Tests.Infrastructure;
using OrleansCache.TestingHost;
using OrleansCache.TestSupport.Logging;
using Xunit;

namespace OrleansCache.Runtime.Tests.Messaging;

public sealed class SiloMessengerTests
{
    [Fact]
    public async Task Posts_ArriveInOrder_OnEveryOtherSilo()
    {
        await using var cluster = await StartAsync();
        var (from, to) = (cluster.Silos[0], cluster.Silos[1]);
        var received = Recorder(to);

        for (var i = 1; i <= 200; i++)
        {
            Messenger(from).Post(to.Address, RecordingHandler.StreamName, ByteString.CopyFromUtf8(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await received.WhenAsync(r => r.Messages.Count(m => m.From.Equals(from.Address)) == 200);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Messages.Where(m => m.From.Equals(from.Address)).Select(m => m.Text));
        Assert.Empty(received.Losses);
    }

    [Fact]
    public async Task SequenceGap_IsReportedAsPossibleLoss()
    {
        await using var cluster = await StartAsync();
        var to = cluster.Silos[1];
        var stranger = new SiloAddress("127.0.0.1", 9, 1);
        var received = Recorder(to);

        Messenger(to).OnPush(stranger, new Push { Stream = RecordingHandler.StreamName, Sequence = 1, Payload = ByteString.CopyFromUtf8("a") });
        Messenger(to).OnPush(stranger, new Push { Stream = RecordingHandler.StreamName, Sequence = 3, Payload = ByteString.CopyFromUtf8("c") });

        Assert.Contains(stranger, received.Losses);
        Assert.Equal(["a", "c"], received.Messages.Where(m => m.From.Equals(stranger)).Select(m => m.Text));
    }

    [Fact]
    public async Task HeartbeatAheadOfWhatArrived_IsReportedAsPossibleLoss()
    {
        await using var cluster = await StartAsync();
        var to = cluster.Silos[1];
        var stranger = new SiloAddress("127.0.0.1", 9, 2);
        var received = Recorder(to);

        Messenger(to).OnPush(stranger, new Push { Stream = RecordingHandler.StreamName, Sequence = 1, Payload = ByteString.CopyFromUtf8("a") });
        Messenger(to).OnPush(stranger, new Push { Stream = "$hb", Sequence = 1 });
        Assert.DoesNotContain(stranger, received.Losses);
        Messenger(to).OnPush(stranger, new Push { Stream = "$hb", Sequence = 4 });

        Assert.Contains(stranger, received.Losses);
    }

    [Fact]
    public async Task SenderConnectionDrops_ReceiverIsToldOfPossibleLoss()
    {
        await using var cluster = await StartAsync();
        var (from, to) = (cluster.Silos[0], cluster.Silos[1]);
        var received = Recorder(to);
        Messenger(from).Post(to.Address, RecordingHandler.StreamName, ByteString.CopyFromUtf8("hello"));
        await received.WhenAsync(r => r.Messages.Any(m => m.From.Equals(from.Address)));

        await cluster.KillSiloAsync(from, TestContext.Current.CancellationToken);

        await received.WhenAsync(r => r.Losses.Contains(from.Address));
    }

    [Fact]
    public async Task SystemTargetRequest_IsServedOnTheChosenSilo()
    {
        await using var cluster = await StartAsync();
        var (from, to) = (cluster.Silos[0], cluster.Silos[1]);

        var answer = await Messenger(from).RequestAsync(to.Address, EchoTarget.TargetName, "shout", ByteString.CopyFromUtf8("hi"), Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.Equal($"shout:hi@{to.Address}", answer.ToStringUtf8());
    }

    [Fact]
    public async Task SystemTargetRequest_WithTheLargestTimeoutTheWireCarries_IsAnswered()
    {
        // Found by the silo fuzzer (docs/fuzzing.md): a timeout of uint.MaxValue ms is more than a timer takes, and the
        // request failed with ArgumentOutOfRangeException instead of being answered.
        await using var cluster = await StartAsync();
        var request = new Request { GrainType = SiloMessenger.SystemGrainType, GrainKey = EchoTarget.TargetName, Method = "shout", TimeoutMs = uint.MaxValue };
        request.Arguments.Add(ByteString.CopyFromUtf8("hi"));

        var response = await Messenger(cluster.Silos[0]).HandleRequestAsync(request).WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);

        Assert.Null(response.Failure);
        Assert.Equal($"shout:hi@{cluster.Silos[0].Address}", response.Result.ToStringUtf8());
    }

    [Fact]
    public async Task PostsToASiloThatCannotBeReached_DoNotEachTryAConnection()
    {
        // Seen in fault runs: the other silos tried a connection to a stopping silo for every post to it, and were
        // refused thousands of times a second. Here a "silo" accepts each connection and hangs up at once.
        using var logs = new CapturedLogs();
        using var refuser = new TcpListener(IPAddress.Loopback, 0);
        refuser.Start();
        var accepted = 0;
        var accepting = Task.Run(
            async () =>
            {
                try
                {
                    while (true)
                    {
                        using var socket = await refuser.AcceptSocketAsync(TestContext.Current.CancellationToken);
                        Interlocked.Increment(ref accepted);
                    }
                }
                catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
                {
                    // The test is over.
                }
            },
            TestContext.Current.CancellationToken);
        await using var cluster = await Clusters.StartAsync(silos: 1, o => o.LoggerFactory = logs.CreateFactory());
        var unreachable = new SiloAddress("127.0.0.1", ((IPEndPoint)refuser.LocalEndpoint).Port, 1);
        const int Posts = 1000;

        for (var i = 0; i < Posts; i++)
        {
            Messenger(cluster.Silos[0]).Post(unreachable, "stream", ByteString.CopyFromUtf8("x"));
        }

        var dropped = $"Dropped a message to silo {unreachable}";
        await logs.WhenAsync(entries => entries.Count(e => e.Contains(dropped, StringComparison.Ordinal)) == Posts, Clusters.Timeout);
        Assert.InRange(Volatile.Read(ref accepted), 1, 5);
        refuser.Stop();
        await accepting.WaitAsync(Clusters.Timeout, TestContext.Current.CancellationToken);
    }

    private static Task<TestCluster> StartAsync() => Clusters.StartAsync(silos: 2, o => o.ConfigureSilo = silo =>
    {
        silo.Services.AddSingleton<RecordingHandler>();
        silo.Services.AddSingleton<ISiloMessageHandler>(sp => sp.GetRequiredService<RecordingHandler>());
        silo.Services.AddSingleton<ISystemTarget, EchoTarget>();
    });

    private static SiloMessenger Messenger(TestSilo silo) => silo.Services.GetRequiredService<SiloMessenger>();

    private static RecordingHandler Recorder(TestSilo silo) => silo.Services.GetRequiredService<RecordingHandler>();

    private sealed class RecordingHandler : ISiloMessageHandler
    {
        public const string StreamName = "test.record";

        private readonly Lock _lock = new();
        private readonly List<(Func<RecordingHandler, bool> Condition, TaskCompletionSource Signal)> _waiters = [];

        public string Stream => StreamName;

        public ConcurrentQueue<(SiloAddress From, string Text)> Messages { get; } = new();

        public ConcurrentQueue<SiloAddress> Losses { get; } = new();

        public void OnMessage(SiloAddress from, ByteString payload)
        {
            Messages.Enqueue((from, payload.ToStringUtf8()));
            Notify();
        }

        public void OnPossibleLoss(SiloAddress from)
        {
            Losses.Enqueue(from);
            Notify();
        }

        public Task WhenAsync(Func<RecordingHandler, bool> condition)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (condition(this))
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((condition, signal));
            }

            return signal.Task.WaitAsync(Clusters.Timeout);
        }

        private void Notify()
        {
            lock (_lock)
            {
                foreach (var waiter in _waiters.Where(w => w.Condition(this)).ToList())
                {
                    waiter.Signal.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    private sealed class EchoTarget(Hosting.LocalSiloDetails local) : ISystemTarget
    {
        public const string TargetName = "test.echo";

        public string Name => TargetName;

        public Task<ByteString> HandleAsync(string operation, ByteString payload, CancellationToken cancellationToken) =>
            Task.FromResult(ByteString.CopyFromUtf8($"{operation}:{payload.ToStringUtf8()}@{local.Address}"));
    }
}
