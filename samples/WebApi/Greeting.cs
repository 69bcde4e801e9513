namespace OrleansCache.Samples.WebApi;

/// <summary>What <c>GET /greetings/{name}</c> answers: made once per miss in the whole cluster, then served from the cache.</summary>
public sealed record Greeting(string Text, DateTimeOffset MadeAt, string MadeBy);
