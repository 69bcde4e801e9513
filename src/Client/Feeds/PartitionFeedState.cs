namespace OrleansCache.Client.Feeds;

/// <summary>Where a client stands with one partition's feed.</summary>
/// <remarks>Guarded by its own lock: deliveries, the watchdog and connection signals all touch it.</remarks>
internal sealed class PartitionFeedState(int partition)
{
    /// <summary>
    /// How many batches may arrive ahead of a missing one before the client stops waiting for it: batches come one-way
    /// and Orleans reorders bursts, but never by thousands.
    /// </summary>
    public const int MaxAhead = 4096;

    public int Partition { get; } = partition;

    public Lock Lock { get; } = new();

    /// <summary>The current subscription's id; <see cref="Guid.Empty"/> before the first.</summary>
    public Guid Subscription { get; set; }

    /// <summary>True once the current subscription is known to the feed: reads may then register it and cache.</summary>
    public bool Live { get; set; }

    /// <summary>The feed epoch of the current subscription, once known (0: not yet).</summary>
    public long Epoch { get; set; }

    /// <summary>The lowest number not yet received: every batch below it has arrived.</summary>
    public long NextSequence { get; set; } = 1;

    /// <summary>Numbers received above <see cref="NextSequence"/> (arrived ahead of a missing one).</summary>
    public HashSet<long> Ahead { get; } = [];

    /// <summary>The highest number known to have been sent (from a batch, a heartbeat or a closing batch).</summary>
    public long Highest { get; set; }

    /// <summary>When a number below <see cref="Highest"/> was first seen missing (timestamp), or 0 if none is.</summary>
    public long MissingSince { get; set; }

    /// <summary>When the feed was last heard from (timestamp), for the silence watchdog.</summary>
    public long LastHeard { get; set; }

    /// <summary>A resynchronization (subscribe again, then revalidate) is running.</summary>
    public bool Resyncing { get; set; }

    /// <summary>Why the partition must be resynchronized once more after the running round; null if it need not.</summary>
    public string? PendingReason { get; set; }

    /// <summary>Completes when the partition is next live (or the client stops); reads of a partition not yet subscribed wait on it.</summary>
    public TaskCompletionSource Subscribed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Stops reads registering the current subscription: they wait for the next one (a new <see cref="Subscribed"/>).
    /// </summary>
    public void StopLive()
    {
        if (Live)
        {
            Live = false;
            Subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>
    /// Starts the numbering of a new subscription, which is not live until its feed has answered: a read that
    /// registered it before would get a value its feed does not know to invalidate.
    /// </summary>
    public void Reset(Guid subscription)
    {
        StopLive();
        Subscription = subscription;
        Epoch = 0;
        NextSequence = 1;
        Ahead.Clear();
        Highest = 0;
        MissingSince = 0;
    }

    /// <summary>Notes that batch <paramref name="sequence"/> arrived; false if it had already (a copy).</summary>
    public bool Receive(long sequence, long now)
    {
        if (sequence < NextSequence || !Ahead.Add(sequence))
        {
            return false;
        }

        while (Ahead.Remove(NextSequence))
        {
            NextSequence++;
        }

        Saw(sequence, now);
        return true;
    }

    /// <summary>Notes that the feed has sent up to <paramref name="sequence"/> (a heartbeat or a batch says so).</summary>
    public void Saw(long sequence, long now)
    {
        Highest = Math.Max(Highest, sequence);
        MissingSince = NextSequence > Highest ? 0 : MissingSince == 0 ? now : MissingSince;
    }
}
