using Xunit;

using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Redis.Tests.Bridge;

public sealed class CanonicalMessageParserTests
{
    private static readonly BridgeLimits Limits = new();

    private static BridgeInvalidation Accepted(string json)
    {
        var result = CanonicalMessageParser.Parse(Json.Bytes(json), Limits);
        Assert.Null(result.Rejection);
        Assert.NotNull(result.Invalidation);
        return result.Invalidation;
    }

    private static BridgeRejection Rejected(string json) => Rejected(Json.Bytes(json));

    private static BridgeRejection Rejected(byte[] utf8)
    {
        var result = CanonicalMessageParser.Parse(utf8, Limits);
        Assert.Null(result.Invalidation);
        Assert.NotNull(result.Rejection);
        return result.Rejection;
    }

    // --- Accepted messages ---

    [Theory]
    [InlineData("delete")]
    [InlineData("update")]
    [InlineData("invalidate")]
    public void Parse_SingleEntityAction_GivesLowerCasedTypeColonIdKey(string action)
    {
        var invalidation = Accepted($$"""{"entity_type":"User","entity_id":"123","action":"{{action}}"}""");

        Assert.Equal(
            new BridgeInvalidation(BridgeInvalidationKind.Key, invalidation.Keys, null, null, null, null),
            invalidation);
        Assert.Equal(["user:123"], invalidation.Keys);
    }

    [Fact]
    public void Parse_IntegerEntityId_UsesDecimalText()
    {
        var invalidation = Accepted("""{"action":"delete","entity_type":"Order","entity_id":123}""");

        Assert.Equal(BridgeInvalidationKind.Key, invalidation.Kind);
        Assert.Equal(["order:123"], invalidation.Keys);
    }

    [Fact]
    public void Parse_NegativeIntegerEntityId_UsesDecimalText()
    {
        Assert.Equal(["t:-7"], Accepted("""{"action":"delete","entity_type":"t","entity_id":-7}""").Keys);
    }

    [Fact]
    public void Parse_EntityTypeWithAllowedPunctuation_IsAccepted()
    {
        Assert.Equal(
            ["my_app.user-profile:x"],
            Accepted("""{"action":"update","entity_type":"My_App.User-Profile","entity_id":"x"}""").Keys);
    }

    [Fact]
    public void Parse_Batch_GivesKeysDeduplicatedInFirstSeenOrder()
    {
        var invalidation = Accepted("""{"action":"batch","entity_ids":["user:2","user:1","user:2","order:9","user:1"]}""");

        Assert.Equal(BridgeInvalidationKind.Keys, invalidation.Kind);
        Assert.Equal(["user:2", "user:1", "order:9"], invalidation.Keys);
        Assert.Null(invalidation.Pattern);
    }

    [Fact]
    public void Parse_BatchKeys_AreUsedAsGivenWithoutLowerCasing()
    {
        Assert.Equal(["User:1"], Accepted("""{"action":"batch","entity_ids":["User:1"]}""").Keys);
    }

    [Fact]
    public void Parse_Pattern_GivesPatternKind()
    {
        var invalidation = Accepted("""{"action":"pattern","pattern":"user:*:profile?"}""");

        Assert.Equal(BridgeInvalidationKind.Pattern, invalidation.Kind);
        Assert.Equal("user:*:profile?", invalidation.Pattern);
        Assert.Empty(invalidation.Keys);
    }

    [Fact]
    public void Parse_All_GivesAllWithNoKeysAndNoPattern()
    {
        var invalidation = Accepted("""{"action":"all"}""");

        Assert.Equal(BridgeInvalidationKind.All, invalidation.Kind);
        Assert.Empty(invalidation.Keys);
        Assert.Null(invalidation.Pattern);
        Assert.Null(invalidation.Source);
        Assert.Null(invalidation.MessageId);
        Assert.Null(invalidation.Timestamp);
    }

    [Fact]
    public void Parse_MetadataWithIsoTimestamp_IsPassedThrough()
    {
        var invalidation = Accepted(
            """{"action":"delete","entity_type":"User","entity_id":"1","source":"billing-svc","message_id":"m-42","timestamp":"2024-05-01T12:30:00+02:00"}""");

        Assert.Equal("billing-svc", invalidation.Source);
        Assert.Equal("m-42", invalidation.MessageId);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.FromHours(2)), invalidation.Timestamp);
    }

    [Fact]
    public void Parse_IsoTimestampWithoutOffset_IsTakenAsUtc()
    {
        var invalidation = Accepted("""{"action":"all","timestamp":"2024-05-01T12:30:00"}""");

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.Zero), invalidation.Timestamp);
    }

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000L)]
    [InlineData("1700000000.25", 1_700_000_000_250L)]
    [InlineData("1.7e9", 1_700_000_000_000L)]
    [InlineData("1700000000123", 1_700_000_000_123L)]
    [InlineData("100000000000", 100_000_000_000_000L)]
    [InlineData("100000000001", 100_000_000_001L)]
    [InlineData("0", 0L)]
    public void Parse_NumericTimestamp_IsEpochSecondsOrMillisecondsAbove1e11(string number, long expectedMilliseconds)
    {
        var invalidation = Accepted($$"""{"action":"all","timestamp":{{number}}}""");

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedMilliseconds), invalidation.Timestamp);
    }

    [Fact]
    public void Parse_EmptySource_IsAccepted()
    {
        Assert.Equal(string.Empty, Accepted("""{"action":"all","source":""}""").Source);
    }

    [Fact]
    public void Parse_EscapedFieldNamesAndValues_AreUnescaped()
    {
        var invalidation = Accepted("""{"act\u0069on":"del\u0065te","entity_type":"User","entity_id":"caf\u00e9"}""");

        Assert.Equal(["user:café"], invalidation.Keys);
    }

    [Fact]
    public void Parse_EscapedSurrogatePair_IsAccepted()
    {
        Assert.Equal("svc\U0001F600", Accepted("""{"action":"all","source":"svc\ud83d\ude00"}""").Source);
    }

    [Fact]
    public void Parse_SurroundingWhitespace_IsAccepted()
    {
        Assert.Equal(BridgeInvalidationKind.All, Accepted(" \r\n\t{ \"action\" : \"all\" }\n ").Kind);
    }

    // --- One test per rejection reason ---

    [Fact]
    public void Parse_MessageOverMaxBytes_RejectsTooLarge()
    {
        var limits = new BridgeLimits { MaxMessageBytes = 16 };
        var result = CanonicalMessageParser.Parse(Json.Bytes("""{"action":"all" }"""), limits);

        Assert.Equal(BridgeRejectionReason.TooLarge, result.Rejection?.Reason);
        Assert.Equal("message has 17 bytes; at most 16", result.Rejection?.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("""{"action":"all" """)]
    [InlineData("""{"action":"all",}""")]
    [InlineData("""{"action":'all'}""")]
    [InlineData("""{"action":"all"} {}""")]
    [InlineData("""{"action":"all"} x""")]
    [InlineData("""{"action":"all" /* c */}""")]
    [InlineData("""{action:"all"}""")]
    [InlineData("""{"action":"all","entity_id":01}""")]
    [InlineData("""{"action":"all","source":"a""")]
    [InlineData("{\"action\":\"all\",\"source\":\"a\u0001b\"}")]
    [InlineData("""{"action":"all","source":"\ud800"}""")]
    [InlineData("""{"action":"all","\udc00":1}""")]
    public void Parse_MalformedJson_RejectsInvalidJson(string json)
    {
        Assert.Equal(BridgeRejectionReason.InvalidJson, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_InvalidUtf8_RejectsInvalidJson()
    {
        byte[] message = [.. Json.Bytes("""{"action":"all","source":" """), 0xC3, 0x28, .. Json.Bytes("\"}")];

        var rejection = Rejected(message);

        Assert.Equal(BridgeRejectionReason.InvalidJson, rejection.Reason);
        Assert.Equal("message is not valid UTF-8", rejection.Detail);
    }

    [Fact]
    public void Parse_SyntaxErrorAfterSemanticError_StillRejectsInvalidJson()
    {
        // The whole message is checked for syntax first, so the unknown action is never what is reported.
        Assert.Equal(BridgeRejectionReason.InvalidJson, Rejected("""{"action":"purge", """).Reason);
    }

    [Fact]
    public void Parse_NestingDeeperThanEight_RejectsTooDeep()
    {
        Assert.Equal(BridgeRejectionReason.TooDeep, Rejected("""{"action":"all","source":[[[[[[[[1]]]]]]]]}""").Reason);
    }

    [Fact]
    public void Parse_NestingOfExactlyEight_IsNotTooDeep()
    {
        // The object is level 1 and seven arrays make eight: structurally fine, then refused for its type.
        Assert.Equal(BridgeRejectionReason.WrongType, Rejected("""{"action":"all","source":[[[[[[[1]]]]]]]}""").Reason);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["action","all"]""")]
    [InlineData("\"all\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    public void Parse_TopLevelNotAnObject_RejectsNotAnObject(string json)
    {
        Assert.Equal(BridgeRejectionReason.NotAnObject, Rejected(json).Reason);
    }

    [Theory]
    [InlineData("""{"action":"all","entity_id":"1"}""", "field 'entity_id' is not allowed for action 'all'")]
    [InlineData("""{"action":"all","pattern":"*"}""", "field 'pattern' is not allowed for action 'all'")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":"1","entity_ids":["a"]}""", "field 'entity_ids' is not allowed for action 'delete'")]
    [InlineData("""{"action":"batch","entity_ids":["a"],"entity_type":"User"}""", "field 'entity_type' is not allowed for action 'batch'")]
    [InlineData("""{"action":"pattern","pattern":"a*","entity_id":"1"}""", "field 'entity_id' is not allowed for action 'pattern'")]
    [InlineData("""{"action":"all","ttl":5}""", "field 'ttl' is not a field of this message format")]
    [InlineData("""{"Action":"all"}""", "field 'Action' is not a field of this message format")]
    [InlineData("""{"action":"all","entityId":"1"}""", "field 'entityId' is not a field of this message format")]
    public void Parse_FieldNotAllowed_RejectsUnknownField(string json, string detail)
    {
        var rejection = Rejected(json);

        Assert.Equal(BridgeRejectionReason.UnknownField, rejection.Reason);
        Assert.Equal(detail, rejection.Detail);
    }

    [Theory]
    [InlineData("{}", "field 'action' is required")]
    [InlineData("""{"entity_type":"User","entity_id":"1"}""", "field 'action' is required")]
    [InlineData("""{"action":"delete","entity_id":"1"}""", "field 'entity_type' is required for action 'delete'")]
    [InlineData("""{"action":"update","entity_type":"User"}""", "field 'entity_id' is required for action 'update'")]
    [InlineData("""{"action":"batch"}""", "field 'entity_ids' is required for action 'batch'")]
    [InlineData("""{"action":"pattern"}""", "field 'pattern' is required for action 'pattern'")]
    public void Parse_RequiredFieldAbsent_RejectsMissingField(string json, string detail)
    {
        var rejection = Rejected(json);

        Assert.Equal(BridgeRejectionReason.MissingField, rejection.Reason);
        Assert.Equal(detail, rejection.Detail);
    }

    [Theory]
    [InlineData("""{"action":1}""")]
    [InlineData("""{"action":null}""")]
    [InlineData("""{"action":["all"]}""")]
    [InlineData("""{"action":"delete","entity_type":null,"entity_id":"1"}""")]
    [InlineData("""{"action":"delete","entity_type":7,"entity_id":"1"}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":null}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":true}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":{"id":1}}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":1.5}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":1e3}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":99999999999999999999}""")]
    [InlineData("""{"action":"batch","entity_ids":"user:1"}""")]
    [InlineData("""{"action":"batch","entity_ids":["user:1",2]}""")]
    [InlineData("""{"action":"batch","entity_ids":["user:1",null]}""")]
    [InlineData("""{"action":"batch","entity_ids":[["user:1"]]}""")]
    [InlineData("""{"action":"pattern","pattern":null}""")]
    [InlineData("""{"action":"all","source":1}""")]
    [InlineData("""{"action":"all","message_id":null}""")]
    [InlineData("""{"action":"all","timestamp":true}""")]
    [InlineData("""{"action":"all","timestamp":"yesterday"}""")]
    [InlineData("""{"action":"all","timestamp":1e300}""")]
    [InlineData("""{"action":"all","timestamp":-1e12}""")]
    public void Parse_FieldOfWrongJsonType_RejectsWrongType(string json)
    {
        Assert.Equal(BridgeRejectionReason.WrongType, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_WrongTypeDetail_NamesFieldAndTypes()
    {
        Assert.Equal(
            "field 'entity_id' is null; expected a string or an integer",
            Rejected("""{"action":"delete","entity_type":"User","entity_id":null}""").Detail);
        Assert.Equal(
            "field 'entity_ids' item 1 is a number; expected a string",
            Rejected("""{"action":"batch","entity_ids":["user:1",2]}""").Detail);
    }

    [Theory]
    [InlineData("purge")]
    [InlineData("Delete")]
    [InlineData("DELETE")]
    [InlineData("")]
    [InlineData("delete ")]
    public void Parse_UnrecognisedAction_RejectsUnknownAction(string action)
    {
        var rejection = Rejected($$"""{"action":"{{action}}","entity_type":"User","entity_id":"1"}""");

        Assert.Equal(BridgeRejectionReason.UnknownAction, rejection.Reason);
        Assert.StartsWith($"action '{action}' is not one of", rejection.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"action":"delete","entity_type":"","entity_id":"1"}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":""}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":"   "}""")]
    [InlineData("""{"action":"batch","entity_ids":["user:1",""]}""")]
    [InlineData("""{"action":"batch","entity_ids":[" "]}""")]
    [InlineData("""{"action":"pattern","pattern":""}""")]
    [InlineData("""{"action":"all","message_id":""}""")]
    [InlineData("""{"action":"all","timestamp":""}""")]
    public void Parse_EmptyValue_RejectsEmptyValue(string json)
    {
        Assert.Equal(BridgeRejectionReason.EmptyValue, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_EntityTypeOverFieldLimit_RejectsValueTooLong()
    {
        var rejection = Rejected($$"""{"action":"delete","entity_type":"{{new string('t', 257)}}","entity_id":"1"}""");

        Assert.Equal(BridgeRejectionReason.ValueTooLong, rejection.Reason);
        Assert.Equal("field 'entity_type' has 257 characters; at most 256", rejection.Detail);
    }

    [Theory]
    [InlineData("source")]
    [InlineData("message_id")]
    public void Parse_MetadataOverFieldLimit_RejectsValueTooLong(string field)
    {
        Assert.Equal(
            BridgeRejectionReason.ValueTooLong,
            Rejected($$"""{"action":"all","{{field}}":"{{new string('m', 257)}}"}""").Reason);
    }

    [Fact]
    public void Parse_MetadataAtFieldLimit_IsAccepted()
    {
        var text = new string('m', 256);
        var invalidation = Accepted($$"""{"action":"all","source":"{{text}}","message_id":"{{text}}"}""");

        Assert.Equal(text, invalidation.Source);
        Assert.Equal(text, invalidation.MessageId);
    }

    [Fact]
    public void Parse_PatternOverKeyLimit_RejectsValueTooLong()
    {
        Assert.Equal(
            BridgeRejectionReason.ValueTooLong,
            Rejected($$"""{"action":"pattern","pattern":"{{new string('p', 1024)}}*"}""").Reason);
    }

    [Theory]
    [InlineData("""{"action":"delete","entity_type":"us er","entity_id":"1"}""")]
    [InlineData("""{"action":"delete","entity_type":"user:","entity_id":"1"}""")]
    [InlineData("""{"action":"delete","entity_type":"Usér","entity_id":"1"}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":"a\u0000b"}""")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":"a\nb"}""")]
    [InlineData("""{"action":"batch","entity_ids":["user:1","user:\t2"]}""")]
    [InlineData("""{"action":"pattern","pattern":"user:[12]"}""")]
    [InlineData("""{"action":"pattern","pattern":"user:\\*"}""")]
    [InlineData("""{"action":"pattern","pattern":"user:\u001f*"}""")]
    [InlineData("""{"action":"all","source":"svc\r\nFAKE LOG LINE"}""")]
    [InlineData("""{"action":"all","message_id":"m\u0007"}""")]
    public void Parse_ForbiddenCharacters_RejectsInvalidCharacters(string json)
    {
        Assert.Equal(BridgeRejectionReason.InvalidCharacters, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_EmptyBatch_RejectsTooManyItems()
    {
        var rejection = Rejected("""{"action":"batch","entity_ids":[]}""");

        Assert.Equal(BridgeRejectionReason.TooManyItems, rejection.Reason);
        Assert.Equal("field 'entity_ids' has no items; at least 1", rejection.Detail);
    }

    [Theory]
    [InlineData("""{"action":"all","action":"all"}""", "action")]
    [InlineData("""{"action":"all","act\u0069on":"delete"}""", "action")]
    [InlineData("""{"action":"all","source":"a","source":"a"}""", "source")]
    [InlineData("""{"action":"delete","entity_type":"User","entity_id":"1","entity_id":"2"}""", "entity_id")]
    public void Parse_RepeatedField_RejectsDuplicateField(string json, string field)
    {
        var rejection = Rejected(json);

        Assert.Equal(BridgeRejectionReason.DuplicateField, rejection.Reason);
        Assert.Equal($"field '{field}' appears more than once", rejection.Detail);
    }

    // --- Boundaries ---

    [Fact]
    public void Parse_BatchOfExactlyMaxBatchSize_IsAccepted()
    {
        var invalidation = Accepted($$"""{"action":"batch","entity_ids":{{Json.StringArray(1000, "user:")}}}""");

        Assert.Equal(1000, invalidation.Keys.Count);
        Assert.Equal("user:0", invalidation.Keys[0]);
        Assert.Equal("user:999", invalidation.Keys[999]);
    }

    [Fact]
    public void Parse_BatchOfMaxBatchSizePlusOne_RejectsTooManyItems()
    {
        var rejection = Rejected($$"""{"action":"batch","entity_ids":{{Json.StringArray(1001, "user:")}}}""");

        Assert.Equal(BridgeRejectionReason.TooManyItems, rejection.Reason);
        Assert.Equal("field 'entity_ids' has 1001 items; at most 1000", rejection.Detail);
    }

    [Fact]
    public void Parse_BatchOverLimitWithNonStringItems_StillRejectsTooManyItems()
    {
        // The count is checked before the items, so an oversized batch is refused for its size whatever it holds.
        var items = string.Join(',', Enumerable.Repeat("1", 1001));
        Assert.Equal(BridgeRejectionReason.TooManyItems, Rejected($$"""{"action":"batch","entity_ids":[{{items}}]}""").Reason);
    }

    [Fact]
    public void Parse_KeyOfExactlyMaxKeyLength_IsAccepted()
    {
        // "user:" is 5 characters, so a 1019-character id makes a 1024-character key.
        var id = new string('9', 1019);

        var invalidation = Accepted($$"""{"action":"delete","entity_type":"User","entity_id":"{{id}}"}""");

        Assert.Equal(1024, Assert.Single(invalidation.Keys).Length);
    }

    [Fact]
    public void Parse_KeyOfMaxKeyLengthPlusOne_RejectsValueTooLong()
    {
        var id = new string('9', 1020);

        var rejection = Rejected($$"""{"action":"delete","entity_type":"User","entity_id":"{{id}}"}""");

        Assert.Equal(BridgeRejectionReason.ValueTooLong, rejection.Reason);
        Assert.Equal("field 'entity_id' gives a key of 1025 characters; at most 1024", rejection.Detail);
    }

    [Fact]
    public void Parse_BatchKeyBoundary_AcceptsMaxKeyLengthAndRejectsOneMore()
    {
        var atLimit = new string('k', 1024);
        var overLimit = new string('k', 1025);

        Assert.Equal([atLimit], Accepted($$"""{"action":"batch","entity_ids":["{{atLimit}}"]}""").Keys);
        Assert.Equal(
            BridgeRejectionReason.ValueTooLong,
            Rejected($$"""{"action":"batch","entity_ids":["a","{{overLimit}}"]}""").Reason);
    }

    [Fact]
    public void Parse_PatternOfExactlyMaxKeyLength_IsAccepted()
    {
        var pattern = new string('p', 1023) + "*";

        Assert.Equal(pattern, Accepted($$"""{"action":"pattern","pattern":"{{pattern}}"}""").Pattern);
    }

    [Fact]
    public void Parse_MessageOfExactlyMaxBytes_IsAccepted()
    {
        var limits = new BridgeLimits { MaxMessageBytes = 100 };
        var json = """{"action":"all"}""".PadRight(100);

        var result = CanonicalMessageParser.Parse(Json.Bytes(json), limits);

        Assert.Equal(BridgeInvalidationKind.All, result.Invalidation?.Kind);
    }

    [Fact]
    public void Parse_TenMegabytePayload_RejectsTooLargeBeforeParsing()
    {
        // Ten million '[' would be TooDeep if parsing had started, so TooLarge proves the size check came first.
        var payload = new byte[10 * 1024 * 1024];
        Array.Fill(payload, (byte)'[');

        var rejection = Rejected(payload);

        Assert.Equal(BridgeRejectionReason.TooLarge, rejection.Reason);
        Assert.Equal("message has 10485760 bytes; at most 65536", rejection.Detail);
    }

    [Fact]
    public void Parse_TenThousandOpenBrackets_RejectsTooDeepWithoutStackOverflow()
    {
        Assert.Equal(BridgeRejectionReason.TooDeep, Rejected(new string('[', 10_000)).Reason);
    }

    [Fact]
    public void Parse_TenThousandBalancedBrackets_RejectsTooDeep()
    {
        Assert.Equal(BridgeRejectionReason.TooDeep, Rejected(new string('[', 10_000) + new string(']', 10_000)).Reason);
    }

    [Fact]
    public void Parse_DeeplyNestedObjects_RejectsTooDeep()
    {
        var json = string.Concat(Enumerable.Repeat("""{"a":""", 5_000)) + "1" + new string('}', 5_000);

        Assert.Equal(BridgeRejectionReason.TooDeep, Rejected(json).Reason);
    }

    // --- Details ---

    [Fact]
    public void Parse_LongUntrustedText_EchoesAtMost64Characters()
    {
        var name = new string('x', 5_000);

        var rejection = Rejected($$"""{"action":"all","{{name}}":1}""");

        Assert.Equal(BridgeRejectionReason.UnknownField, rejection.Reason);
        Assert.Equal($"field '{new string('x', 64)}...' is not a field of this message format", rejection.Detail);
    }

    [Fact]
    public void Parse_UntrustedTextWithControlCharacters_IsMaskedInDetail()
    {
        var rejection = Rejected("""{"action":"purge\r\nINFO all good"}""");

        Assert.Equal(BridgeRejectionReason.UnknownAction, rejection.Reason);
        Assert.DoesNotContain('\n', rejection.Detail);
        Assert.DoesNotContain('\r', rejection.Detail);
        Assert.StartsWith("action 'purge??INFO all good'", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SmallerConfiguredLimits_AreApplied()
    {
        var limits = new BridgeLimits { MaxBatchSize = 2, MaxKeyLength = 8, MaxFieldLength = 4 };

        Assert.Equal(
            BridgeRejectionReason.TooManyItems,
            CanonicalMessageParser.Parse(Json.Bytes("""{"action":"batch","entity_ids":["a","b","c"]}"""), limits).Rejection?.Reason);
        Assert.Equal(
            BridgeRejectionReason.ValueTooLong,
            CanonicalMessageParser.Parse(Json.Bytes("""{"action":"delete","entity_type":"abcde","entity_id":"1"}"""), limits).Rejection?.Reason);
        Assert.Equal(
            BridgeRejectionReason.ValueTooLong,
            CanonicalMessageParser.Parse(Json.Bytes("""{"action":"delete","entity_type":"ab","entity_id":"123456"}"""), limits).Rejection?.Reason);
        Assert.Equal(
            ["ab:12345"],
            CanonicalMessageParser.Parse(Json.Bytes("""{"action":"delete","entity_type":"ab","entity_id":"12345"}"""), limits).Invalidation?.Keys);
    }
}
