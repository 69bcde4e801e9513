namespace OrleansCache.Redis.Bridge.Parsing;

/// <summary>What a validated bridge message invalidates.</summary>
internal enum BridgeInvalidationKind
{
    /// <summary>One key, in <see cref="BridgeInvalidation.Keys"/>.</summary>
    Key = 1,

    /// <summary>Several keys, in <see cref="BridgeInvalidation.Keys"/>, de-duplicated in first-seen order.</summary>
    Keys = 2,

    /// <summary>Every key matching <see cref="BridgeInvalidation.Pattern"/>, a glob with <c>*</c> and <c>?</c>.</summary>
    Pattern = 3,

    /// <summary>The whole cache; no keys, no pattern.</summary>
    All = 4,
}
