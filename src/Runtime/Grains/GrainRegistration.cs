namespace OrleansCache.Runtime.Grains;

/// <summary>A grain interface and the class that implements it; registered in DI by <c>AddGrain</c>.</summary>
internal sealed record GrainRegistration(Type Interface, Type Implementation);
