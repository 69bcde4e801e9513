namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>
/// Stable reason codes for refused bridge messages. They become metric tag values, so the names are final:
/// add new members, never rename or renumber existing ones.
/// </summary>
internal enum BridgeRejectionReason
{
    /// <summary>The message has more bytes than <see cref="BridgeLimits.MaxMessageBytes"/>.</summary>
    TooLarge = 1,

    /// <summary>The message is not well-formed UTF-8 JSON.</summary>
    InvalidJson = 2,

    /// <summary>The message nests arrays or objects deeper than the parser allows.</summary>
    TooDeep = 3,

    /// <summary>The top-level JSON value is not an object.</summary>
    NotAnObject = 4,

    /// <summary>A field is not known, or not allowed for the message's action.</summary>
    UnknownField = 5,

    /// <summary>A required field is absent.</summary>
    MissingField = 6,

    /// <summary>A field has the wrong JSON type (null included), or a value that cannot be read as its type.</summary>
    WrongType = 7,

    /// <summary>The action (or event type) is not one the bridge understands.</summary>
    UnknownAction = 8,

    /// <summary>A value that must have content is empty or blank.</summary>
    EmptyValue = 9,

    /// <summary>A value, or the key built from it, is longer than its limit.</summary>
    ValueTooLong = 10,

    /// <summary>A value has characters it may not have.</summary>
    InvalidCharacters = 11,

    /// <summary>A list has more items than <see cref="BridgeLimits.MaxBatchSize"/>, or none.</summary>
    TooManyItems = 12,

    /// <summary>A field appears more than once.</summary>
    DuplicateField = 13,

    /// <summary>The message was valid, but the cluster refused what it asks (e.g. a match-all pattern with <c>Cache:AllowMatchAllPattern=false</c>).</summary>
    RefusedByCluster = 14,
}
