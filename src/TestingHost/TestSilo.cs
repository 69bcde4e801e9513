using Microsoft.Extensions.Hosting;
using OrleansCache.Core;
using OrleansCache.Core.Membership;
using OrleansCache.Runtime.Hosting;
using OrleansCache.Runtime.Membership;

namespace OrleansCache.TestingHost;

/// <summary>One silo of a <see cref="TestCluster"/>, running in the test's process.</summary>
public sealed class TestSilo
{
    internal TestSilo(string name, IHost host, Silo silo)
    {
        Name = name;
        Host = host;
        Silo = silo;
        Address = silo.Address;
        GatewayEndPoint = silo.GatewayEndPoint;
        HttpEndPoint = silo.HttpEndPoint?.ToString();
    }

    /// <summary>The silo's name, e.g. <c>silo-1</c>.</summary>
    public string Name { get; }

    /// <summary>The silo incarnation's address.</summary>
    public SiloAddress Address { get; }

    /// <summary>The <c>host:port</c> clients connect to.</summary>
    public string GatewayEndPoint { get; }

    /// <summary>
    /// The <c>host:port</c> of the silo's HTTP endpoints (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, the
    /// dashboard at <c>/</c>), or null unless <see cref="TestClusterOptions.EnableHttp"/>.
    /// </summary>
    public string? HttpEndPoint { get; }

    /// <summary>False once the silo was killed or stopped.</summary>
    public bool IsRunning { get; internal set; } = true;

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>How many activations the silo holds now.</summary>
    public int ActivationCount => Silo.Catalog.Count;

    /// <summary>The grains activated on this silo now.</summary>
    public IReadOnlyCollection<GrainId> ActiveGrains => Silo.Catalog.ActiveGrains;

    /// <summary>Completes when <paramref name="grainId"/> has no activation on this silo (at once if it has none now).</summary>
    /// <exception cref="TimeoutException">It was still active after <paramref name="timeout"/>.</exception>
    public Task WaitForDeactivationAsync(GrainId grainId, TimeSpan timeout) => Silo.Catalog.WhenDeactivated(grainId).WaitAsync(timeout);

    /// <summary>The membership version this silo sees.</summary>
    public long MembershipVersion => Silo.View.Version;

    /// <summary>Completes once this silo's view satisfies <paramref name="condition"/> (checked now and on each view change).</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>.</exception>
    internal async Task WaitForViewAsync(Func<MembershipView, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Silo.View))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The view of {Name} did not reach the expected state within {timeout}.");
            }

            await Silo.Membership.WaitForViewChangeAsync(Silo.View.Version, left, cancellationToken).ConfigureAwait(false);
        }
    }

    internal IHost Host { get; }

    internal Silo Silo { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";
}
