namespace OrleansCache.Cli.Values;

/// <summary>A cache value exactly as stored: the tool encodes and decodes it itself (see <see cref="ValueCodec"/>).</summary>
internal sealed record RawValue(byte[] Bytes);
