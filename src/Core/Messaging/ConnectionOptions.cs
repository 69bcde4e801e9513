namespace OrleansCache.Core.Messaging;

/// <summary>Settings of one framed connection; shared by clients and silos.</summary>
public sealed class ConnectionOptions
{
    /// <summary>The largest frame accepted or sent, in bytes. Default 16 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How many outgoing messages may wait to be written before senders wait. Default 16,384.</summary>
    public int SendQueueCapacity { get; set; } = 16_384;

    /// <summary>
    /// How long a connection may be silent before a ping is sent. Default 5 s.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns keep-alive off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a connection may hear nothing at all before it is closed as dead. Default 20 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the accepting side waits for the connecting side's first frame. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
