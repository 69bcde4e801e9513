namespace OrleansCache.DeliveryCandidates;

/// <summary>One delivery mechanism under test, for one subscriber count.</summary>
internal interface ICandidate
{
    string Mechanism { get; }

    /// <summary>Connects <paramref name="subscribers"/> clients; each one is ready to receive when this completes.</summary>
    Task StartAsync(int subscribers, DeliverySink sink);

    /// <summary>The producer's last sequence number: the next phase starts after it.</summary>
    Task<long> LastSeqAsync();

    /// <summary>Publishes one event (the driver calls this at the fixed rate and does not wait for each).</summary>
    Task PublishAsync();

    /// <summary>Anything about this run worth a note in the table (batch sizes, placement, failures).</summary>
    string Notes();

    Task StopAsync();
}
