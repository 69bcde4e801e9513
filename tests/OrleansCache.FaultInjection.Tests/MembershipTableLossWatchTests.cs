using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansCache.Grains.Membership;
using OrleansCache.TestSupport.Waiting;
using Xunit;

namespace OrleansCache.FaultInjection.Tests;

/// <summary>
/// The silo's watch for a membership table that lost it (ADR 0085) on a fake table: the regression test of what
/// <c>RedisRestartEmpty</c> found (silos that never noticed their table was gone). The real thing is the fault kind.
/// </summary>
public sealed class MembershipTableLossWatchTests
{
    private static readonly SiloAddress Local = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    [Fact]
    public async Task ActiveSilo_WhoseRowIsGone_StopsThroughOrleansFailStop()
    {
        var table = new FakeTable { HasLocalRow = false };
        var fatal = new FakeFatalErrors();
        await using var watch = Start(table, fatal);

        var reason = await fatal.Called.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Contains("no longer holds this active silo", reason, StringComparison.Ordinal);
        Assert.True(table.Reads >= 2, $"stopped after {table.Reads} reads");
    }

    [Fact]
    public async Task SiloStillInTheTable_KeepsRunning()
    {
        var table = new FakeTable { HasLocalRow = true };
        var fatal = new FakeFatalErrors();
        await using var watch = Start(table, fatal);

        await Eventually.TrueAsync(() => table.Reads >= 5, "five table reads", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(fatal.Called.Task.IsCompleted);
    }

    [Fact]
    public async Task TableThatCannotBeRead_StopsNobody_AndGetsItsVersionRowWritten()
    {
        var table = new FakeTable { HasLocalRow = false, ReadFailure = new InvalidOperationException("The Redis membership table version is missing.") };
        var fatal = new FakeFatalErrors();
        await using var watch = Start(table, fatal);

        await Eventually.TrueAsync(() => table.Initializations >= 3, "three initializations after failed reads", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(fatal.Called.Task.IsCompleted);

        // Written again (as the watch's initialization does on Redis): now it reads, without this silo.
        table.ReadFailure = null;
        await fatal.Called.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private static RunningWatch Start(FakeTable table, FakeFatalErrors fatal)
    {
        var services = new ServiceCollection().AddSingleton<IMembershipTable>(table).BuildServiceProvider();
        var options = Options.Create(new ClusterMembershipOptions { TableRefreshTimeout = TimeSpan.FromMilliseconds(20) });
        var watch = new MembershipTableLossWatch(services, new ActiveMembership(), new LocalSilo(), fatal, options, TimeProvider.System, NullLogger<MembershipTableLossWatch>.Instance);
        var lifecycle = new StartingLifecycle();
        watch.Participate(lifecycle);
        lifecycle.Observer!.OnStart(CancellationToken.None).GetAwaiter().GetResult();
        return new RunningWatch(watch, lifecycle.Observer);
    }

    /// <summary>A started watch, stopped as the silo's lifecycle stops it.</summary>
    private sealed class RunningWatch(MembershipTableLossWatch watch, ILifecycleObserver observer) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await observer.OnStop(CancellationToken.None);
            watch.Dispose();
        }
    }

    private sealed class FakeFatalErrors : IFatalErrorHandler
    {
        public TaskCompletionSource<string> Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) => Called.TrySetResult(context ?? "");
    }

    /// <summary>A table that lists this silo or not, or fails every read; counts reads and initializations.</summary>
    private sealed class FakeTable : IMembershipTable
    {
        private int _reads;
        private int _initializations;

        public bool HasLocalRow { get; init; }

        public Exception? ReadFailure { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public int Initializations => Volatile.Read(ref _initializations);

        public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

        public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            if (ReadFailure is { } failure)
            {
                return Task.FromException<MembershipTableData>(failure);
            }

            var version = new TableVersion(0, "0");
            return Task.FromResult(HasLocalRow
                ? new MembershipTableData(Tuple.Create(new MembershipEntry { SiloAddress = Local, Status = SiloStatus.Active }, "0"), version)
                : new MembershipTableData(version));
        }

        public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

        public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _initializations);
            return Task.CompletedTask;
        }

        public Task DeleteMembershipTableEntries(string clusterId) => throw new NotSupportedException();

        public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => throw new NotSupportedException();

        public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<MembershipTableData> ReadRow(SiloAddress key) => throw new NotSupportedException();

        public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => throw new NotSupportedException();

        public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => throw new NotSupportedException();

        public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UpdateIAmAlive(MembershipEntry entry) => throw new NotSupportedException();

        public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>Membership that shows this silo active (in its own view).</summary>
    private sealed class ActiveMembership : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot => new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(Local, new ClusterMember(Local, SiloStatus.Active, "local")),
            new MembershipVersion(1));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }

    private sealed class LocalSilo : ILocalSiloDetails
    {
        public string Name => "local";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => Local;

        public SiloAddress GatewayAddress => Local;
    }

    /// <summary>Keeps the one observer the watch subscribes, to start it.</summary>
    private sealed class StartingLifecycle : ISiloLifecycle
    {
        public ILifecycleObserver? Observer { get; private set; }

        public int HighestCompletedStage => 0;

        public int LowestStoppedStage => 0;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            Observer = observer;
            return new NoSubscription();
        }

        private sealed class NoSubscription : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
