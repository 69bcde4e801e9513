namespace OrleansCache.Runtime.Tests.Grains;

public sealed class SequenceGrain : Grain, ISequenceGrain
{
    private readonly string _activationId = Guid.NewGuid().ToString("N");
    private int _count;
    private int _inside;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainProbe.For(GrainId.Key).OnActivated(_activationId);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainProbe.For(GrainId.Key).OnDeactivated(reason);
        return Task.CompletedTask;
    }

    public async Task<CallInfo> NextAsync()
    {
        var probe = GrainProbe.For(GrainId.Key);
        if (Interlocked.Increment(ref _inside) > 1)
        {
            probe.OnOverlap();
        }

        var seen = _count;
        await Task.Yield();
        _count = seen + 1;
        Interlocked.Decrement(ref _inside);
        return Info();
    }

    public async Task<CallInfo> WaitAtGateAsync(string gate)
    {
        var opened = GrainProbe.Gate(gate);
        opened.Entered.TrySetResult();
        await opened.Released.Task;
        return Info();
    }

    public Task<int> PeekAsync() => Task.FromResult(Volatile.Read(ref _count));

    public Task<int> FailAsync(string message) => throw new InvalidOperationException(message);

    public Task<byte[]?> EchoAsync(byte[]? payload) => Task.FromResult(payload);

    public async Task<CallInfo> CallOtherAsync(string otherKey) =>
        await GrainFactory.GetGrain<ISequenceGrain>(otherKey).NextAsync();

    private CallInfo Info() => new(_activationId, Context.Silo.ToString(), _count, Context.Epoch.ToString());
}
