namespace OrleansCache.FaultInjection.Network;

/// <summary>How the runner makes network faults (ADR 0040).</summary>
public enum NetworkMode
{
    /// <summary>
    /// Each silo in a network namespace of its own, joined by a veth pair; a partition sets the link down. Falls back to
    /// <see cref="Proxies"/> where namespaces cannot be made (not root, no iproute2, refused by the kernel).
    /// </summary>
    Namespaces,

    /// <summary>Everything on loopback; a partition holds all of a silo's traffic in the runner's proxies.</summary>
    Proxies,
}
