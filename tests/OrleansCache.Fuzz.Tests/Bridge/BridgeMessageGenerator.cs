using System.Globalization;
using System.Text;
using OrleansCache.TestSupport.Fuzzing;

namespace OrleansCache.Fuzz.Tests.Bridge;

/// <summary>
/// Inputs for the bridge's JSON parsers: random bytes, any JSON value, messages close to the canonical and typed
/// formats (a grammar of right and wrong fields), and valid messages put through the structure-aware JSON mutator and
/// the byte mutator.
/// </summary>
internal static class BridgeMessageGenerator
{
    public static readonly string[] ValidMessages =
    [
        """{"entity_type":"User","entity_id":"123","action":"delete"}""",
        """{"action":"update","entity_type":"Order","entity_id":77}""",
        """{"action":"invalidate","entity_type":"a.b-c_d","entity_id":"x","source":"svc","message_id":"m1","timestamp":"2024-05-01T00:00:00Z"}""",
        """{"action":"batch","entity_ids":["user:1","user:2","user:1"]}""",
        """{"action":"pattern","pattern":"user:*"}""",
        """{"action":"all","timestamp":1700000000.5}""",
        """{"type":"item","itemId":"42"}""",
        """{"type":"item","itemId":42,"timestamp":1700000000123}""",
        """{"type":"items","itemIds":["1","2"]}""",
        """{"type":"all","source":"s"}""",
    ];

    /// <summary>Both formats' field names, and near misses.</summary>
    public static readonly string[] FieldNames =
    [
        "action", "entity_type", "entity_id", "entity_ids", "pattern", "source", "message_id", "timestamp",
        "type", "itemId", "itemIds", "Action", "act\\u0069on", "extra", "",
    ];

    public static readonly IReadOnlyList<byte[]> ValidBytes = [.. ValidMessages.Select(Encoding.UTF8.GetBytes)];

    // The JSON mutator quotes names itself, so it gets them unescaped.
    private static readonly string[] PlainFieldNames = [.. FieldNames.Where(n => !n.Contains('\\', StringComparison.Ordinal))];

    private static readonly string[] Words =
    [
        "delete", "update", "invalidate", "batch", "pattern", "all", "item", "items", "Delete", "purge",
        "User", "user:1", "user:*", "a?b", "", " ", "a[b]", "a\\\\b", "\\u0000", "a\\nb", "caf\\u00e9", "\\ud83d\\ude00",
        "\\ud800", "2024-05-01T12:00:00Z", "2024-13-45", "svc", "m-1", "x.y-z_w",
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "42", "1.5", "-0", "1e3", "1E-400", "1e400", "9223372036854775807", "9223372036854775808",
        "1700000000", "1700000000123", "100000000000", "-62135596801", "253402300800000", "0.000001",
    ];

    public static byte[] Generate(Random random) => random.Next(6) switch
    {
        0 => RandomBytes(random),
        1 => JsonMutator.Mutate(random, random.Pick(ValidBytes), PlainFieldNames, ValidBytes),
        2 => Encoding.UTF8.GetBytes(RandomJsonValue(random, depth: 0)),
        3 => ByteMutator.Mutate(random, random.Pick(ValidBytes), ValidBytes),
        _ => Encoding.UTF8.GetBytes(RandomMessage(random)),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 260)];
        if (random.OneIn(2))
        {
            random.NextBytes(bytes);
            return bytes;
        }

        // Mostly JSON punctuation, so some of it gets past the first byte.
        const string alphabet = "{}[]\":,0123456789.-eE truefalsnul\\uab";
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }

        return bytes;
    }

    /// <summary>Any JSON value at all, of any shape, mostly well-formed.</summary>
    private static string RandomJsonValue(Random random, int depth)
    {
        switch (random.Next(depth > 10 ? 4 : 7))
        {
            case 0:
                return Quote(random.Pick(Words));
            case 1:
                return random.Pick(Numbers);
            case 2:
                return random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" };
            case 3:
                return Quote(new string((char)random.Next('a', 'z' + 1), random.Next(0, 30)));
            case 4:
            case 5:
                var builder = new StringBuilder("{");
                var count = random.Next(0, 6);
                for (var i = 0; i < count; i++)
                {
                    builder.Append(i > 0 ? "," : string.Empty)
                        .Append(Quote(random.Pick(FieldNames)))
                        .Append(':')
                        .Append(RandomJsonValue(random, depth + 1));
                }

                return builder.Append('}').ToString();
            default:
                var items = Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomJsonValue(random, depth + 1));
                return "[" + string.Join(',', items) + "]";
        }
    }

    /// <summary>A message close to one of the formats: right action, usually the right fields and types.</summary>
    private static string RandomMessage(Random random)
    {
        var fields = new List<string>();
        var canonical = random.OneIn(2);
        var action = canonical
            ? random.Pick(["delete", "update", "invalidate", "batch", "pattern", "all", "nope"])
            : random.Pick(["item", "items", "all", "nope"]);
        if (!random.OneIn(20))
        {
            fields.Add($"{Quote(canonical ? "action" : "type")}:{Quote(action)}");
        }

        void Maybe(string name, string value, int percent = 90)
        {
            if (random.Next(100) < percent)
            {
                fields.Add($"{Quote(name)}:{(random.OneIn(15) ? RandomJsonValue(random, 0) : value)}");
            }
        }

        if (canonical)
        {
            var single = action is "delete" or "update" or "invalidate";
            Maybe("entity_type", Quote(random.OneIn(2) ? "User" : random.Pick(Words)), single ? 90 : 5);
            Maybe("entity_id", random.OneIn(2) ? Quote(RandomId(random)) : random.Next(-5, 1000).ToString(CultureInfo.InvariantCulture), single ? 90 : 5);
            Maybe("entity_ids", RandomIdArray(random, "user:"), action == "batch" ? 90 : 5);
            Maybe("pattern", Quote(random.OneIn(3) ? random.Pick(Words) : "user:" + RandomId(random) + "*"), action == "pattern" ? 90 : 5);
        }
        else
        {
            Maybe("itemId", random.OneIn(2) ? Quote(RandomId(random)) : random.Next(0, 1000).ToString(CultureInfo.InvariantCulture), action == "item" ? 90 : 5);
            Maybe("itemIds", RandomIdArray(random, string.Empty), action == "items" ? 90 : 5);
        }

        Maybe("source", Quote(random.OneIn(2) ? "svc" : random.Pick(Words)), 30);
        Maybe("message_id", Quote(RandomId(random)), 30);
        Maybe("timestamp", random.OneIn(2) ? random.Pick(Numbers) : Quote("2024-05-01T12:00:00Z"), 30);
        if (random.OneIn(20) && fields.Count > 0)
        {
            fields.Add(random.Pick(fields));
        }

        // Field order must not matter.
        var shuffled = fields.OrderBy(_ => random.Next()).ToList();
        return "{" + string.Join(',', shuffled) + "}";
    }

    private static string RandomIdArray(Random random, string prefix)
    {
        var items = Enumerable.Range(0, random.Next(0, 6)).Select(_ => Quote(prefix + RandomId(random)));
        return "[" + string.Join(',', items) + "]";
    }

    private static string RandomId(Random random) =>
        random.OneIn(10) ? random.Pick(Words) : random.Next(0, 100).ToString(CultureInfo.InvariantCulture) + new string('x', random.Next(0, random.OneIn(2) ? 3 : 25));

    // Words and names are already JSON-escaped text, so quoting is all they need.
    private static string Quote(string escaped) => "\"" + escaped + "\"";
}
