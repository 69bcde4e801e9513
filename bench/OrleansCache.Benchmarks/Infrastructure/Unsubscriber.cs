namespace OrleansCache.Benchmarks.Infrastructure;

/// <summary>Undoes a subscription when disposed: a repeat's listeners leave before the next repeat's come.</summary>
internal sealed class Unsubscriber(Action unsubscribe) : IDisposable
{
    public void Dispose() => unsubscribe();
}
