namespace OrleansCache.Redis.Tests.Processes;

/// <summary>A read that ended in an <see cref="OperationCanceledException"/> nobody asked for: a failure, with where it came from.</summary>
internal sealed class ReadCanceledException(OperationCanceledException cancellation)
    : Exception($"{cancellation.GetType().Name}: {cancellation.Message} {cancellation.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}", cancellation);
