using OrleansCache.Grains.Interfaces;

namespace OrleansCache.Grains.Bulk;

/// <summary>A bulk invalidation's work, once its keys are collected.</summary>
/// <param name="Keys">Every key to invalidate through its grain: the stored ones and, for patterns and "all", the live activations.</param>
/// <param name="Stored">How many of them storage held: the count the caller is told.</param>
/// <param name="Published">What is sent to every feed after the keys, for copies of keys nothing holds any more.</param>
internal sealed record BulkInvalidationPlan(IReadOnlyCollection<string> Keys, long Stored, Invalidation Published);
