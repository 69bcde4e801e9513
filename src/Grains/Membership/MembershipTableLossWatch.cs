using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansCache.Grains.Membership;

/// <summary>
/// Stops a silo whose membership table lost it: the table's store came back empty (a Redis restarted without its data)
/// or was cleared, and this active silo's row is gone. Orleans does not notice: a table whose version went back is no
/// successor of the view a silo holds, so silos keep their old view, their heartbeats fail (no row to update), and
/// clients and new silos, which find the cluster through the table, see nobody, or start a second cluster beside it.
/// Ending the process (Orleans' own fail-stop path) lets the host start it again, and a new silo writes the table anew.
/// </summary>
/// <remarks>
/// Every <c>min(TableRefreshTimeout, 10 s)</c> once the silo is active, it reads the table; two reads in a row that
/// succeed and hold no row of this silo while it is active in its own view end it. A read that fails (Redis down or
/// paused) says nothing and stops nobody; after one, the silo writes the table's version row if it is missing, as every
/// starting silo does, since Orleans' Redis table cannot be read without it. docs/reliability.md (<c>RedisRestartEmpty</c>).
/// </remarks>
internal sealed partial class MembershipTableLossWatch(
    IServiceProvider services,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IFatalErrorHandler fatalErrors,
    IOptions<ClusterMembershipOptions> options,
    TimeProvider time,
    ILogger<MembershipTableLossWatch> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>Reads in a row that must miss this silo's row: one could race a write that is about to land.</summary>
    private const int ReadsToConclude = 2;

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MembershipTableLossWatch), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        // The table the silo's clustering provider registered (none: nothing to watch).
        if (services.GetService(typeof(IMembershipTable)) is IMembershipTable table)
        {
            _loop = Task.Run(() => WatchAsync(table, _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync(IMembershipTable table, CancellationToken cancellationToken)
    {
        var period = options.Value.TableRefreshTimeout < TimeSpan.FromSeconds(10) ? options.Value.TableRefreshTimeout : TimeSpan.FromSeconds(10);
        var missing = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, time, cancellationToken).ConfigureAwait(false);
                if (membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) != SiloStatus.Active)
                {
                    missing = 0;
                    continue;
                }

                var data = await table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
                missing = data.TryGet(local.SiloAddress) is null ? missing + 1 : 0;
                if (missing >= ReadsToConclude)
                {
                    LogLostFromTable(logger, local.SiloAddress, data.Version.Version);
                    fatalErrors.OnFatalException(this, $"The membership table no longer holds this active silo ({local.SiloAddress}); its store lost its data. Stopping, so the silo can be started again and rejoin.", null);
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Redis down, paused or unreachable: no evidence either way. Or the table itself is gone (Orleans' Redis
                // table refuses to read a table without its version row), which Orleans never writes again once its
                // silos have started: write it as a starting silo does (only what is missing), so the next read tells.
                missing = 0;
                LogReadFailed(logger, ex);
                await InitializeAsync(table, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task InitializeAsync(IMembershipTable table, CancellationToken cancellationToken)
    {
        try
        {
            await table.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogReadFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 4310, Level = LogLevel.Critical, Message = "The membership table (version {TableVersion}) no longer holds this active silo {Silo}: its store lost its data. Stopping the silo so that it can be started again")]
    private static partial void LogLostFromTable(ILogger logger, SiloAddress silo, int tableVersion);

    [LoggerMessage(EventId = 4311, Level = LogLevel.Debug, Message = "Could not read the membership table to check that it still holds this silo")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
