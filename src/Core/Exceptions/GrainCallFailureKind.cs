namespace OrleansCache.Core;

/// <summary>Why a silo failed a grain call.</summary>
public enum GrainCallFailureKind
{
    /// <summary>Not specified.</summary>
    Unknown = 0,

    /// <summary>The grain method threw an exception.</summary>
    Application = 1,

    /// <summary>No silo hosts a grain of that type.</summary>
    UnknownGrainType = 2,

    /// <summary>The grain type has no such method.</summary>
    UnknownMethod = 3,

    /// <summary>The request was malformed (e.g. arguments that do not deserialize).</summary>
    BadRequest = 4,

    /// <summary>The activation's queue or the silo's activation limit was full; retry later.</summary>
    Overloaded = 6,
}
