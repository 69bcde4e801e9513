using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansCache.TestSupport.Fuzzing;

/// <summary>
/// Structure-aware mutations of JSON documents: a value of the wrong type, deep nesting, huge strings, odd Unicode and
/// escapes, extreme numbers, duplicate, renamed, extra and missing fields; then, now and then, a textual or byte-level
/// mutation on top, so the syntax checks are exercised too.
/// </summary>
/// <remarks>
/// Mutations that JSON trees cannot hold (a duplicate key, a lone-surrogate escape, 1e400, nesting past the
/// serializer's depth) are written as placeholders in the tree and replaced by raw text after serializing it.
/// </remarks>
public static class JsonMutator
{
    private static readonly string[] NumberLiterals =
    [
        "0", "-0", "1", "-1", "0.5", "1e3", "1E-400", "1e400", "-1e400", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "4294967296", "2147483648", "1.7976931348623157e308", "0.000001",
        "1700000000", "1700000000123", "253402300800000", "-62135596801", "00", "01", "1.", ".5", "+1", "NaN", "Infinity", "0x10",
    ];

    private static readonly string[] StringLiterals =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
        "\"a\\nb\"", "\"\\t\"", "\"\\u202e\"", "\"\\uffff\"", "\"\\ufeff\"", "\"\\/\"", "\"\\\"\"", "\"\\\\\"", "\"caf\\u00e9\"",
        "\"e\\u0301\"", "\"\u00e9\u4e2d\"", "\"*\"", "\"?\"", "\"a[b]\"", "\"user:*\"", "\"\\x41\"", "\"\\u12\"", "\"unterminated",
    ];

    private static readonly string[] TextSuffixes = ["}", "]", ",", " x", "\0", "\n", "{}", "\"", "/*", "null"];

    /// <summary>
    /// Mutates <paramref name="json"/> (which should parse; if it does not, it gets byte mutations instead).
    /// <paramref name="fieldNames"/> are names worth adding, duplicating and renaming to (the format's own fields).
    /// </summary>
    public static byte[] Mutate(Random random, ReadOnlySpan<byte> json, IReadOnlyList<string>? fieldNames = null, IReadOnlyList<byte[]>? corpus = null, int maxLength = 256 * 1024)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return ByteMutator.Mutate(random, json, corpus, maxLength);
        }

        var raw = new RawFragments();
        var names = fieldNames is { Count: > 0 } ? fieldNames : ["a"];
        var steps = random.OneIn(2) ? 1 : random.Next(2, 5);
        string text;
        try
        {
            for (var i = 0; i < steps; i++)
            {
                root = MutateTree(random, root, raw, names);
            }

            text = raw.Substitute(Serialize(root));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // A document the tree cannot hold (a duplicate key, a lone surrogate, too deep): mutate its bytes instead.
            return ByteMutator.Mutate(random, json, corpus, maxLength);
        }

        if (random.OneIn(6))
        {
            text = MutateText(random, text);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (random.OneIn(10))
        {
            bytes = ByteMutator.Mutate(random, bytes, corpus, maxLength);
        }

        return bytes.Length <= maxLength ? bytes : bytes[..maxLength];
    }

    private static JsonNode? MutateTree(Random random, JsonNode? root, RawFragments raw, IReadOnlyList<string> names)
    {
        var nodes = new List<(JsonNode? Node, JsonNode? Parent, string? Name, int Index)> { (root, null, null, -1) };
        Collect(root, nodes);
        var (node, parent, name, index) = random.Pick(nodes);
        JsonNode? replacement;
        switch (random.Next(12))
        {
            case 0:
                replacement = RandomValue(random, raw, names, depth: 0);
                break;
            case 1:
                // Nesting past every limit: a few levels, the bridge's 8, the serializer's 64, or thousands.
                var depth = random.Pick([2, 7, 8, 9, 63, 64, 65, 1000, 5000]);
                var open = random.OneIn(2) ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                replacement = raw.Add(string.Concat(Enumerable.Repeat(open, depth)) + Serialize(node) + string.Concat(Enumerable.Repeat(close, depth)));
                break;
            case 2:
                var length = random.Pick([255, 256, 257, 1023, 1024, 1025, 4096, 4097, 65_535, 65_536, 100_000]);
                replacement = JsonValue.Create(new string(random.OneIn(2) ? 'x' : (char)random.Next(0x20, 0x7f), length));
                break;
            case 3:
                replacement = raw.Add(random.Pick(StringLiterals));
                break;
            case 4:
                replacement = raw.Add(random.Pick(NumberLiterals));
                break;
            case 5 when node is JsonObject obj:
                obj[UniqueName(random, obj, names)] = RandomValue(random, raw, names, depth: 1);
                return root;
            case 6 when node is JsonObject { Count: > 0 } obj:
                obj.Remove(obj.ElementAt(random.Next(obj.Count)).Key);
                return root;
            case 7 when node is JsonObject { Count: > 0 } obj:
                // Renamed: another case, an escape, padding, or another field's name.
                var old = obj.ElementAt(random.Next(obj.Count));
                var value = old.Value?.DeepClone();
                obj.Remove(old.Key);
                obj[raw.AddName(RenamedKey(random, old.Key, names))] = value;
                return root;
            case 8 when node is JsonObject { Count: > 0 } obj:
                var existing = obj.ElementAt(random.Next(obj.Count));
                obj[raw.AddName(JsonSerializer.Serialize(existing.Key))] = random.OneIn(2) ? existing.Value?.DeepClone() : RandomValue(random, raw, names, depth: 1);
                return root;
            case 9 when node is JsonArray array:
                MutateArray(random, array, raw, names);
                return root;
            case 10 when node is JsonValue v && v.TryGetValue<string>(out var s):
                replacement = JsonValue.Create(MutateString(random, s));
                break;
            default:
                replacement = RandomValue(random, raw, names, depth: 0);
                break;
        }

        switch (parent)
        {
            case JsonObject o:
                o[name!] = replacement;
                return root;
            case JsonArray a:
                a[index] = replacement;
                return root;
            default:
                return replacement;
        }
    }

    private static void Collect(JsonNode? node, List<(JsonNode?, JsonNode?, string?, int)> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    into.Add((child, obj, key, -1));
                    Collect(child, into);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    into.Add((array[i], array, null, i));
                    Collect(array[i], into);
                }

                break;
        }
    }

    private static void MutateArray(Random random, JsonArray array, RawFragments raw, IReadOnlyList<string> names)
    {
        switch (random.Next(4))
        {
            case 0:
                array.Clear();
                break;
            case 1 when array.Count > 0:
                // Many copies: batch limits (1000) and message size limits (64 KiB) sit just around here.
                var item = array[random.Next(array.Count)];
                var copies = random.Pick([2, 999, 1000, 1001, 5000]);
                for (var i = 0; i < copies; i++)
                {
                    array.Add(item?.DeepClone());
                }

                break;
            case 2:
                array.Insert(random.Next(array.Count + 1), RandomValue(random, raw, names, depth: 1));
                break;
            default:
                for (var i = 0; i < random.Next(1, 50); i++)
                {
                    array.Add(JsonValue.Create(MutateString(random, "item" + i.ToString(CultureInfo.InvariantCulture))));
                }

                break;
        }
    }

    private static string MutateString(Random random, string s) => random.Next(8) switch
    {
        0 => string.Empty,
        1 => s.Length > 1 ? s[..random.Next(1, s.Length)] : s + s,
        2 => s + random.Pick(["*", "?", ":", "[", "\\", " ", "\0", "\n", "\u00e9", "\ud83d\ude00"]),
        3 => s.ToUpperInvariant(),
        4 => " " + s + " ",
        5 => string.Concat(Enumerable.Repeat(s.Length == 0 ? "x" : s, random.Next(2, 400))),
        6 => s.Insert(random.Next(s.Length + 1), ((char)random.Next(0, 0x20)).ToString()),
        _ => random.Pick(InterestingValues.Strings),
    };

    private static string RenamedKey(Random random, string key, IReadOnlyList<string> names) => random.Next(6) switch
    {
        0 => JsonSerializer.Serialize(key.ToUpperInvariant()),
        1 => JsonSerializer.Serialize(key + " "),
        2 => key.Length > 0 ? "\"\\u" + ((int)key[0]).ToString("x4", CultureInfo.InvariantCulture) + JsonSerializer.Serialize(key[1..])[1..] : "\"\\u0000\"",
        3 => JsonSerializer.Serialize(random.Pick(names)),
        4 => "\"\"",
        _ => JsonSerializer.Serialize(key[..(key.Length / 2)]),
    };

    private static string UniqueName(Random random, JsonObject obj, IReadOnlyList<string> names)
    {
        var name = random.Pick(names);
        return obj.ContainsKey(name) ? name + "_" + random.Next(1000).ToString(CultureInfo.InvariantCulture) : name;
    }

    private static JsonNode? RandomValue(Random random, RawFragments raw, IReadOnlyList<string> names, int depth)
    {
        switch (random.Next(depth > 3 ? 6 : 8))
        {
            case 0:
                return JsonValue.Create(random.Pick(InterestingValues.Strings));
            case 1:
                return raw.Add(random.Pick(NumberLiterals));
            case 2:
                return JsonValue.Create(random.OneIn(2));
            case 3:
                return null;
            case 4:
                return raw.Add(random.Pick(StringLiterals));
            case 5:
                return JsonValue.Create(random.Pick(names));
            case 6:
                var obj = new JsonObject();
                for (var i = random.Next(4); i > 0; i--)
                {
                    obj[UniqueName(random, obj, names)] = RandomValue(random, raw, names, depth + 1);
                }

                return obj;
            default:
                var array = new JsonArray();
                for (var i = random.Next(5); i > 0; i--)
                {
                    array.Add(RandomValue(random, raw, names, depth + 1));
                }

                return array;
        }
    }

    private static string MutateText(Random random, string text) => random.Next(7) switch
    {
        0 => "\ufeff" + text,
        1 => text + random.Pick(TextSuffixes),
        2 => text.Length > 1 ? text[..random.Next(1, text.Length)] : text,
        3 => text.LastIndexOf('}') is var close and > 0 ? text.Insert(close, ",") : text,
        4 => text.Insert(random.Next(text.Length + 1), random.Pick([" ", "\n", "\t", "/*c*/", "//c\n", "\u00a0"])),
        5 => text.Replace('"', '\''),
        _ => " \r\n" + text + " \r\n",
    };

    private static string Serialize(JsonNode? node) => node?.ToJsonString() ?? "null";

    /// <summary>Raw text fragments, held in the tree as placeholder strings until the tree is serialized.</summary>
    private sealed class RawFragments
    {
        private readonly Dictionary<string, string> _fragments = new(StringComparer.Ordinal);

        /// <summary>A value whose serialized form will be <paramref name="rawJson"/>.</summary>
        public JsonValue Add(string rawJson) => JsonValue.Create(Placeholder(rawJson));

        /// <summary>A property name whose serialized form (quotes included) will be <paramref name="rawQuotedName"/>.</summary>
        public string AddName(string rawQuotedName) => Placeholder(rawQuotedName);

        public string Substitute(string serialized)
        {
            // Later fragments may wrap earlier ones (nesting wraps a serialized subtree), so substitute until none is left.
            for (var round = 0; round < 8 && _fragments.Count > 0; round++)
            {
                var changed = false;
                foreach (var (placeholder, fragment) in _fragments)
                {
                    var quoted = "\"" + placeholder + "\"";
                    if (serialized.Contains(quoted, StringComparison.Ordinal))
                    {
                        serialized = serialized.Replace(quoted, fragment, StringComparison.Ordinal);
                        changed = true;
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            return serialized;
        }

        private string Placeholder(string fragment)
        {
            var placeholder = "@@raw" + _fragments.Count.ToString(CultureInfo.InvariantCulture) + "@@";
            _fragments[placeholder] = fragment;
            return placeholder;
        }
    }
}
