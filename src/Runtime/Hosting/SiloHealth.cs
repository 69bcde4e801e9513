using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.Runtime.Hosting;

/// <summary>
/// Where the silo is in its life, as <c>/healthz</c> and <c>/readyz</c> report it. The silo moves it forward; it never
/// goes back (a restarted silo is a new incarnation with a new instance).
/// </summary>
internal sealed class SiloHealth(MembershipService membership, LocalSiloDetails local)
{
    private const int Starting = 0;
    private const int Serving = 1;
    private const int Stopping = 2;
    private const int Dead = 3;

    private int _stage = Starting;

    /// <summary>False once the cluster declared this silo dead: it is stopping and must be replaced.</summary>
    public bool IsAlive => Volatile.Read(ref _stage) != Dead;

    /// <summary>
    /// Null when the silo has joined, is active in its own view and serves calls; otherwise why it does not, for
    /// operators reading <c>/readyz</c>.
    /// </summary>
    public string? NotReadyReason => Volatile.Read(ref _stage) switch
    {
        Starting => "starting: the silo has not joined the cluster yet",
        Stopping => "stopping: the silo is leaving the cluster",
        Dead => "dead: the cluster declared this silo dead",
        _ when membership.CurrentView.Find(local.Address)?.Status != SiloStatus.Active => "not active in the cluster's membership view",
        _ => null,
    };

    /// <summary>The silo has joined and serves calls.</summary>
    public void MarkServing() => MoveTo(Serving);

    /// <summary>The silo began to leave (graceful stop) or was killed.</summary>
    public void MarkStopping() => MoveTo(Stopping);

    /// <summary>The cluster declared the silo dead.</summary>
    public void MarkDead() => MoveTo(Dead);

    private void MoveTo(int stage)
    {
        var current = Volatile.Read(ref _stage);
        while (current < stage)
        {
            var seen = Interlocked.CompareExchange(ref _stage, stage, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
