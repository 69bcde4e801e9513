using System.Text;
using OrleansCache.Redis.Bridge.Parsing;
using OrleansCache.TestSupport.Fuzzing;
using Xunit;

namespace OrleansCache.Fuzz.Tests.Bridge;

/// <summary>
/// The bridge's parsers on their own, for every inbound path: canonical JSON (channel and stream), typed events and
/// keyspace notification channels. Any input gives exactly one of a valid invalidation and a rejection with a defined
/// reason; nothing throws, nothing hangs, and allocation stays proportional to the input.
/// </summary>
public sealed class BridgeParserFuzzTests
{
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

    [Fact]
    public void CanonicalAndTypedParsers_RandomAndMutatedInputs_NeverThrowAndKeepInvariants()
    {
        var options = new FuzzOptions("bridge-json", ciInputs: 10_000)
        {
            // Both parsers, each a structure pass and a capture pass: strings are copied (UTF-16) a few times over, and
            // a syntax error costs a JsonException.
            MaxAllocatedBytes = length => 128 * 1024 + (48L * length),
        };
        long canonicalAccepted = 0, typedAccepted = 0;
        var typedOutcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        var reasons = new SortedSet<BridgeRejectionReason>();

        var report = Fuzzer.Run(options, BridgeMessageGenerator.Generate, input =>
        {
            // Tight limits for a third of the inputs, chosen from the input itself so a failure replays.
            var limits = input.Length % 3 == 0 ? TightLimits : DefaultLimits;
            var canonical = CanonicalMessageParser.Parse(input, limits);
            Check(canonical, limits, keyPrefix: null);
            var typed = TypedEventParser.Parse(input, Prefix, limits);
            Check(typed, limits, Prefix);
            canonicalAccepted += canonical.Invalidation is null ? 0 : 1;
            typedAccepted += typed.Invalidation is null ? 0 : 1;
            AddReason(reasons, canonical);
            AddReason(reasons, typed);
            typedOutcomes[Outcome(typed)] = typedOutcomes.GetValueOrDefault(Outcome(typed)) + 1;
            return "canonical:" + Outcome(canonical);
        });

        foreach (var (outcome, count) in typedOutcomes)
        {
            report.Add("typed:" + outcome, count);
        }

        report.Publish();
        TestContext.Current.SendDiagnosticMessage($"bridge-json: rejection reasons seen: {string.Join(", ", reasons)}");
        // The generators must reach deep into both parsers, not just bounce off the JSON syntax check.
        Assert.True(canonicalAccepted > 100, $"only {canonicalAccepted} canonical messages were accepted");
        Assert.True(typedAccepted > 100, $"only {typedAccepted} typed messages were accepted");
        // Every reason a parser gives (RefusedByCluster is the applier's: the cache's own key rules, after parsing).
        Assert.Equal(Enum.GetValues<BridgeRejectionReason>().Where(r => r != BridgeRejectionReason.RefusedByCluster), reasons);
    }

    [Fact]
    public void KeyspaceParser_MutatedChannelNames_NeverThrow_AndOnlyAcceptKeysUnderThePrefix()
    {
        var options = new FuzzOptions("bridge-keyspace", ciInputs: 15_000)
        {
            // A key the cache's rules refuse costs an ArgumentException (tens of KiB with its stack trace); the rest is
            // the decoded text and the key, twice the input each.
            MaxAllocatedBytes = length => 128 * 1024 + (32L * length),
        };
        string[] seeds = ["__keyspace@0__:" + Prefix + "42", "__keyspace@15__:" + Prefix + "a:b", "__keyevent@0__:del", "__keyspace@0__:x__:" + Prefix + "1"];
        var seedBytes = seeds.Select(Encoding.UTF8.GetBytes).ToList();

        var report = Fuzzer.Run(
            options,
            random => random.OneIn(4) ? Encoding.UTF8.GetBytes(random.Pick(seeds) + random.Pick(InterestingValues.Strings)) : ByteMutator.Mutate(random, random.Pick(seedBytes), seedBytes),
            input =>
            {
                // Channel names reach the bridge as text decoded from Redis' bytes, invalid UTF-8 replaced.
                var limits = input.Length % 3 == 0 ? TightLimits : DefaultLimits;
                var result = KeyspaceNotificationParser.Parse(Encoding.UTF8.GetString(input), Prefix, limits);
                Check(result, limits, Prefix);
                if (result.Invalidation is { Kind: not BridgeInvalidationKind.Key })
                {
                    throw new InvalidOperationException($"A keyspace notification gave a {result.Invalidation.Kind} invalidation.");
                }

                return Outcome(result);
            });

        report.Publish();
        Assert.True(report.Count("accepted") > 100 && report.Count("rejected:InvalidCharacters") > 100, report.ToString());
    }

    private static void Check(BridgeParseResult result, BridgeLimits limits, string? keyPrefix)
    {
        if (BridgeInvariants.FindViolation(result, limits, keyPrefix) is { } violation)
        {
            throw new InvalidOperationException(violation);
        }
    }

    private static string Outcome(BridgeParseResult result) =>
        result.Rejection is { } rejection ? "rejected:" + rejection.Reason : "accepted";

    private static void AddReason(SortedSet<BridgeRejectionReason> reasons, BridgeParseResult result)
    {
        if (result.Rejection is { } rejection)
        {
            reasons.Add(rejection.Reason);
        }
    }
}
