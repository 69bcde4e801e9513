using OrleansCache.Core.Messaging;

namespace OrleansCache.Runtime;

/// <summary>Calls and connections on the silo side. Bound from the <c>Messaging</c> configuration section.</summary>
public sealed class SiloMessagingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Messaging";

    /// <summary>Timeout of calls grains make to other grains. Default 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many silos may forward one call before it is refused as a forwarding loop. Default 3.</summary>
    public int MaxForwardHops { get; set; } = 3;

    /// <summary>How long a graceful stop waits for activations and in-flight calls to finish. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connecting to another silo may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Frame limit, keep-alive and queue bounds of every connection.</summary>
    public ConnectionOptions Connection { get; set; } = new();
}
