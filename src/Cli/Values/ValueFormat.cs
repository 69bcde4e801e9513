namespace OrleansCache.Cli.Values;

/// <summary>How <c>set</c> turns its VALUE argument into the stored bytes.</summary>
internal enum ValueFormat
{
    /// <summary>A JSON string: what a .NET client's <c>GetAsync&lt;string&gt;</c> reads with the default serializer.</summary>
    String,

    /// <summary>The argument is JSON (checked) and stored as given, e.g. an object a .NET client reads as its own type.</summary>
    Json,

    /// <summary>The argument's UTF-8 bytes, unchanged: what <c>IDistributedCache.GetString</c> and non-JSON readers expect.</summary>
    Raw,
}
