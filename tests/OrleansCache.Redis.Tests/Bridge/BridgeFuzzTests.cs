using System.Globalization;
using System.Text;
using Xunit;

using OrleansCache.Redis.Bridge;

namespace OrleansCache.Redis.Tests.Bridge;

public sealed class BridgeFuzzTests
{
    private const int Seed = 0x0B51D6E;
    private const int Inputs = 15_000;
    private const string Prefix = "personality:";

    private static readonly BridgeLimits DefaultLimits = new();

    // Small limits make every bound reachable by short random inputs.
    private static readonly BridgeLimits TightLimits = new()
    {
        MaxMessageBytes = 160,
        MaxKeyLength = 20,
        MaxBatchSize = 3,
        MaxFieldLength = 6,
    };

    private static readonly string[] ValidMessages =
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

    private static readonly string[] FieldNames =
    [
        "action", "entity_type", "entity_id", "entity_ids", "pattern", "source", "message_id", "timestamp",
        "type", "itemId", "itemIds", "Action", "act\\u0069on", "extra", "",
    ];

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

    [Fact]
    public void Parse_RandomAndMutatedInputs_NeverThrowAndKeepInvariants()
    {
        var random = new Random(Seed);
        var canonicalAccepted = 0;
        var typedAccepted = 0;
        var reasons = new SortedSet<BridgeRejectionReason>();
        var tried = 0;

        for (var i = 0; i < Inputs; i++)
        {
            var input = (i % 4) switch
            {
                0 => RandomBytes(random),
                1 => Mutate(random, Encoding.UTF8.GetBytes(ValidMessages[random.Next(ValidMessages.Length)])),
                2 => Encoding.UTF8.GetBytes(RandomJsonValue(random, depth: 0)),
                _ => Encoding.UTF8.GetBytes(RandomMessage(random)),
            };
            var limits = random.Next(3) == 0 ? TightLimits : DefaultLimits;

            var canonical = ParseOrFail(() => CanonicalMessageParser.Parse(input, limits), input);
            Check(canonical, limits, keyPrefix: null, input);
            var typed = ParseOrFail(() => TypedEventParser.Parse(input, Prefix, limits), input);
            Check(typed, limits, Prefix, input);

            canonicalAccepted += canonical.Invalidation is null ? 0 : 1;
            typedAccepted += typed.Invalidation is null ? 0 : 1;
            AddReason(reasons, canonical);
            AddReason(reasons, typed);
            tried++;
        }

        TestContext.Current.SendDiagnosticMessage(
            $"Bridge fuzz (seed {Seed}): {tried} inputs tried, each through both parsers; accepted {canonicalAccepted} canonical, " +
            $"{typedAccepted} typed; rejection reasons seen: {string.Join(", ", reasons)}");

        Assert.True(tried >= 10_000);

        // The generators must reach deep into both parsers, not just bounce off the JSON syntax check.
        Assert.True(canonicalAccepted > 100, $"only {canonicalAccepted} canonical messages were accepted");
        Assert.True(typedAccepted > 100, $"only {typedAccepted} typed messages were accepted");
        Assert.Equal(Enum.GetValues<BridgeRejectionReason>().Length, reasons.Count);
    }

    private static BridgeParseResult ParseOrFail(Func<BridgeParseResult> parse, byte[] input)
    {
        try
        {
            return parse();
        }
        catch (Exception ex)
        {
            Assert.Fail($"Parse threw {ex.GetType().Name}: {ex.Message}; input (base64) {Convert.ToBase64String(input)}");
            throw;
        }
    }

    private static void AddReason(SortedSet<BridgeRejectionReason> reasons, BridgeParseResult result)
    {
        if (result.Rejection is { } rejection)
        {
            reasons.Add(rejection.Reason);
        }
    }

    private static void Check(BridgeParseResult result, BridgeLimits limits, string? keyPrefix, byte[] input)
    {
        var violation = FindViolation(result, limits, keyPrefix);
        if (violation is not null)
        {
            Assert.Fail($"{violation}; input (base64) {Convert.ToBase64String(input)}");
        }
    }

    private static string? FindViolation(BridgeParseResult result, BridgeLimits limits, string? keyPrefix)
    {
        if ((result.Invalidation is null) == (result.Rejection is null))
        {
            return "exactly one of Invalidation and Rejection must be set";
        }

        if (result.Rejection is { } rejection)
        {
            if (!Enum.IsDefined(rejection.Reason))
            {
                return $"undefined reason {(int)rejection.Reason}";
            }

            if (string.IsNullOrEmpty(rejection.Detail)
                || rejection.Detail.Length > 200
                || rejection.Detail.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                return $"bad detail '{rejection.Detail}'";
            }

            return rejection.Detail.StartsWith("internal parser error", StringComparison.Ordinal)
                ? $"parser bug caught: {rejection.Detail}"
                : null;
        }

        var invalidation = result.Invalidation!;
        foreach (var key in invalidation.Keys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > limits.MaxKeyLength || key.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                return $"bad key '{key}'";
            }

            if (keyPrefix is not null && !key.StartsWith(keyPrefix, StringComparison.Ordinal))
            {
                return $"key '{key}' is outside the channel prefix";
            }
        }

        if (invalidation.Keys.Distinct(StringComparer.Ordinal).Count() != invalidation.Keys.Count)
        {
            return "keys are not de-duplicated";
        }

        if (invalidation.Source is { } source && (source.Length > limits.MaxFieldLength || source.AsSpan().ContainsAnyInRange('\0', '\u001f')))
        {
            return $"bad source '{source}'";
        }

        if (invalidation.MessageId is { } messageId
            && (messageId.Length == 0 || messageId.Length > limits.MaxFieldLength || messageId.AsSpan().ContainsAnyInRange('\0', '\u001f')))
        {
            return $"bad message id '{messageId}'";
        }

        return invalidation.Kind switch
        {
            BridgeInvalidationKind.Key when invalidation.Keys.Count != 1 || invalidation.Pattern is not null => "Key needs one key and no pattern",
            BridgeInvalidationKind.Keys when invalidation.Keys.Count < 1 || invalidation.Keys.Count > limits.MaxBatchSize || invalidation.Pattern is not null
                => "Keys needs 1..MaxBatchSize keys and no pattern",
            BridgeInvalidationKind.Pattern when invalidation.Keys.Count != 0 || !IsValidPattern(invalidation.Pattern, limits) => "Pattern needs a valid pattern and no keys",
            BridgeInvalidationKind.Pattern when keyPrefix is not null && invalidation.Pattern != keyPrefix + "*" => "a typed pattern must be the prefix plus '*'",
            BridgeInvalidationKind.All when keyPrefix is not null => "a typed event must never invalidate the whole cache",
            BridgeInvalidationKind.All when invalidation.Keys.Count != 0 || invalidation.Pattern is not null => "All needs no keys and no pattern",
            BridgeInvalidationKind.Key or BridgeInvalidationKind.Keys or BridgeInvalidationKind.Pattern or BridgeInvalidationKind.All => null,
            _ => $"undefined kind {(int)invalidation.Kind}",
        };
    }

    private static bool IsValidPattern(string? pattern, BridgeLimits limits) =>
        !string.IsNullOrWhiteSpace(pattern)
        && pattern.Length <= limits.MaxKeyLength
        && !pattern.AsSpan().ContainsAnyInRange('\0', '\u001f')
        && pattern.AsSpan().IndexOfAny('[', '\\') < 0;

    // --- Generators ---

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 260)];
        if (random.Next(2) == 0)
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

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(at, (byte)"{}[]\":,\\0 "[random.Next(10)]);
                    break;
                case 3:
                    bytes.RemoveAt(at);
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    var length = random.Next(1, Math.Min(40, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    var other = random.Next(bytes.Count);
                    (bytes[at], bytes[other]) = (bytes[other], bytes[at]);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Any JSON value at all, of any shape, mostly well-formed.</summary>
    private static string RandomJsonValue(Random random, int depth)
    {
        var choice = random.Next(depth > 10 ? 4 : 7);
        switch (choice)
        {
            case 0:
                return Quote(RandomWord(random));
            case 1:
                return Numbers[random.Next(Numbers.Length)];
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
                        .Append(Quote(FieldNames[random.Next(FieldNames.Length)]))
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
        var canonical = random.Next(2) == 0;
        var action = canonical
            ? new[] { "delete", "update", "invalidate", "batch", "pattern", "all", "nope" }[random.Next(7)]
            : new[] { "item", "items", "all", "nope" }[random.Next(4)];
        if (random.Next(20) != 0)
        {
            fields.Add($"{Quote(canonical ? "action" : "type")}:{Quote(action)}");
        }

        void Maybe(string name, string value, int percent = 90)
        {
            if (random.Next(100) < percent)
            {
                fields.Add($"{Quote(name)}:{(random.Next(15) == 0 ? RandomJsonValue(random, 0) : value)}");
            }
        }

        if (canonical)
        {
            Maybe("entity_type", Quote(random.Next(2) == 0 ? "User" : RandomWord(random)), action is "delete" or "update" or "invalidate" ? 90 : 5);
            Maybe("entity_id", random.Next(2) == 0 ? Quote(RandomId(random)) : random.Next(-5, 1000).ToString(CultureInfo.InvariantCulture), action is "delete" or "update" or "invalidate" ? 90 : 5);
            Maybe("entity_ids", RandomIdArray(random, "user:"), action == "batch" ? 90 : 5);
            Maybe("pattern", Quote(random.Next(3) == 0 ? RandomWord(random) : "user:" + RandomId(random) + "*"), action == "pattern" ? 90 : 5);
        }
        else
        {
            Maybe("itemId", random.Next(2) == 0 ? Quote(RandomId(random)) : random.Next(0, 1000).ToString(CultureInfo.InvariantCulture), action == "item" ? 90 : 5);
            Maybe("itemIds", RandomIdArray(random, string.Empty), action == "items" ? 90 : 5);
        }

        Maybe("source", Quote(random.Next(2) == 0 ? "svc" : RandomWord(random)), 30);
        Maybe("message_id", Quote(RandomId(random)), 30);
        Maybe("timestamp", random.Next(2) == 0 ? Numbers[random.Next(Numbers.Length)] : Quote("2024-05-01T12:00:00Z"), 30);
        if (random.Next(20) == 0 && fields.Count > 0)
        {
            fields.Add(fields[random.Next(fields.Count)]);
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
        random.Next(10) == 0 ? RandomWord(random) : random.Next(0, 100).ToString(CultureInfo.InvariantCulture) + new string('x', random.Next(0, random.Next(2) == 0 ? 3 : 25));

    private static string RandomWord(Random random) => Words[random.Next(Words.Length)];

    // Words and names are already JSON-escaped text, so quoting is all they need.
    private static string Quote(string escaped) => "\"" + escaped + "\"";
}
