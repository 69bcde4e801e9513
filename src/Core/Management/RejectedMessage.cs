namespace OrleansCache.Core.Management;

/// <summary>
/// An inbound message a silo refused (e.g. a malformed Redis bridge message), as kept in the silo's short list of
/// recent rejections. Every text field is cut short and has its control characters masked; it is still text from
/// whoever sent the message, so display it as text, never as markup.
/// </summary>
public sealed record RejectedMessage
{
    /// <summary>When the silo refused the message, by its own clock.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The silo that refused it, <c>host:port@generation</c>.</summary>
    public string Silo { get; init; } = string.Empty;

    /// <summary>Where it came from, e.g. <c>redis-bridge/canonical</c>.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The channel or stream it arrived on.</summary>
    public string Channel { get; init; } = string.Empty;

    /// <summary>The stable reason code, as in the rejection counter's <c>reason</c> tag (e.g. <c>UnknownField</c>).</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>A sentence saying what was wrong.</summary>
    public string Detail { get; init; } = string.Empty;

    /// <summary>The start of the message itself (at most 64 characters).</summary>
    public string Preview { get; init; } = string.Empty;
}
