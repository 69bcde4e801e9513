namespace OrleansCache.Runtime.Activation;

internal enum EnqueueResult
{
    Accepted,
    QueueFull,
    Deactivating,
}
