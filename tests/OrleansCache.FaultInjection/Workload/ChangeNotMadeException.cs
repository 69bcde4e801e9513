namespace OrleansCache.FaultInjection.Workload;

/// <summary>
/// A client declined to make a change at all (nothing was sent to the system under test), so the workload records
/// nothing and moves on. FusionCache's change order throws it when another instance's change of the key takes too long.
/// </summary>
internal sealed class ChangeNotMadeException(string message) : Exception(message);
