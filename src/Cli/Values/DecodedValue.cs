namespace OrleansCache.Cli.Values;

/// <summary>A stored value as text, and how it was read: <c>string</c>, <c>json</c>, <c>text</c> or <c>base64</c>.</summary>
internal sealed record DecodedValue(string Text, string Encoding);
