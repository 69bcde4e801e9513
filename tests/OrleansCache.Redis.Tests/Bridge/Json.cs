using System.Text;

using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Redis.Tests.Bridge;

/// <summary>Small helpers for building test messages.</summary>
internal static class Json
{
    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>A JSON array literal of <paramref name="count"/> distinct string items, "prefix0", "prefix1", ...</summary>
    public static string StringArray(int count, string prefix)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append('"').Append(prefix).Append(i).Append('"');
        }

        return builder.Append(']').ToString();
    }
}
