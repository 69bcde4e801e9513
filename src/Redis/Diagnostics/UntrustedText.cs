using System.Globalization;
using System.Text;

namespace OrleansCache.Redis.Diagnostics;

/// <summary>
/// Makes text that came from outside (channel names, error messages that quote input) safe for a log line: at most
/// <see cref="MaxLogLength"/> characters, then "…(N chars)"; control characters masked, so no forged lines.
/// </summary>
/// <remarks>
/// A publisher controls channel names too: a keyspace-pattern subscription matched a 10 MB channel name once, and the
/// rejection's log line was 10 MB long.
/// </remarks>
internal static class UntrustedText
{
    /// <summary>The most characters of untrusted text a log line repeats.</summary>
    public const int MaxLogLength = 256;

    public static string ForLog(string? text) => Bound(text, MaxLogLength, sayLength: true);

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> characters, marked when cut ("…(N chars)" with
    /// <paramref name="sayLength"/>, "..." without), with control characters replaced by '?'.
    /// </summary>
    public static string Bound(string? text, int max, bool sayLength)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var length = Math.Min(text.Length, max);

        // Never end on half a surrogate pair: the line must stay valid UTF-16 for whatever writes it.
        if (length < text.Length && length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        var head = text.AsSpan(0, length);
        if (length == text.Length && !head.ContainsAnyInRange('\0', '\u001f') && !head.ContainsAnyInRange('\u007f', '\u009f'))
        {
            return text;
        }

        var builder = new StringBuilder(length + 24);
        foreach (var c in head)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        if (length < text.Length)
        {
            builder.Append(sayLength ? string.Create(CultureInfo.InvariantCulture, $"…({text.Length} chars)") : "...");
        }

        return builder.ToString();
    }
}
