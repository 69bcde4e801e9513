using Xunit;

using OrleansCache.Redis.Bridge.Parsing;

namespace OrleansCache.Redis.Tests.Bridge;

public sealed class TypedEventParserTests
{
    private const string Prefix = "personality:";

    private static readonly BridgeLimits Limits = new();

    private static BridgeInvalidation Accepted(string json)
    {
        var result = TypedEventParser.Parse(Json.Bytes(json), Prefix, Limits);
        Assert.Null(result.Rejection);
        Assert.NotNull(result.Invalidation);
        return result.Invalidation;
    }

    private static BridgeRejection Rejected(string json) => Rejected(Json.Bytes(json));

    private static BridgeRejection Rejected(byte[] utf8)
    {
        var result = TypedEventParser.Parse(utf8, Prefix, Limits);
        Assert.Null(result.Invalidation);
        Assert.NotNull(result.Rejection);
        return result.Rejection;
    }

    // --- Accepted messages ---

    [Fact]
    public void Parse_Item_GivesPrefixedKey()
    {
        var invalidation = Accepted("""{"type":"item","itemId":"42"}""");

        Assert.Equal(BridgeInvalidationKind.Key, invalidation.Kind);
        Assert.Equal(["personality:42"], invalidation.Keys);
        Assert.Null(invalidation.Pattern);
        Assert.Null(invalidation.Source);
        Assert.Null(invalidation.MessageId);
        Assert.Null(invalidation.Timestamp);
    }

    [Fact]
    public void Parse_IntegerItemId_UsesDecimalText()
    {
        Assert.Equal(["personality:42"], Accepted("""{"type":"item","itemId":42}""").Keys);
    }

    [Fact]
    public void Parse_MixedCaseItemId_KeepsItsCase()
    {
        Assert.Equal(["personality:AbC"], Accepted("""{"itemId":"AbC","type":"item"}""").Keys);
    }

    [Fact]
    public void Parse_Items_GivesPrefixedKeysDeduplicatedInFirstSeenOrder()
    {
        var invalidation = Accepted("""{"type":"items","itemIds":["1","2","1","3","2"]}""");

        Assert.Equal(BridgeInvalidationKind.Keys, invalidation.Kind);
        Assert.Equal(["personality:1", "personality:2", "personality:3"], invalidation.Keys);
        Assert.Null(invalidation.Pattern);
    }

    [Fact]
    public void Parse_All_GivesPatternUnderThePrefixOnly()
    {
        var invalidation = Accepted("""{"type":"all"}""");

        Assert.Equal(
            new BridgeInvalidation(BridgeInvalidationKind.Pattern, invalidation.Keys, "personality:*", null, null, null),
            invalidation);
        Assert.Empty(invalidation.Keys);
    }

    [Fact]
    public void Parse_Metadata_IsPassedThrough()
    {
        var invalidation = Accepted(
            """{"type":"item","itemId":"7","source":"persona-svc","message_id":"abc","timestamp":1700000000123}""");

        Assert.Equal("persona-svc", invalidation.Source);
        Assert.Equal("abc", invalidation.MessageId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), invalidation.Timestamp);
    }

    [Fact]
    public void Parse_IsoTimestamp_IsParsed()
    {
        Assert.Equal(
            new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Accepted("""{"type":"all","timestamp":"2024-01-02T03:04:05Z"}""").Timestamp);
    }

    // --- One test per rejection reason ---

    [Fact]
    public void Parse_MessageOverMaxBytes_RejectsTooLarge()
    {
        var limits = new BridgeLimits { MaxMessageBytes = 10 };

        var result = TypedEventParser.Parse(Json.Bytes("""{"type":"all"}"""), Prefix, limits);

        Assert.Equal(BridgeRejectionReason.TooLarge, result.Rejection?.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("""{"type":"all" """)]
    [InlineData("""{"type":"all",}""")]
    [InlineData("""{"type":"all"}}""")]
    [InlineData("""{"type":"items","itemIds":["1",]}""")]
    public void Parse_MalformedJson_RejectsInvalidJson(string json)
    {
        Assert.Equal(BridgeRejectionReason.InvalidJson, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_NestingDeeperThanEight_RejectsTooDeep()
    {
        Assert.Equal(BridgeRejectionReason.TooDeep, Rejected("""{"type":"all","x":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{}}}}}}}}}""").Reason);
    }

    [Theory]
    [InlineData("""[{"type":"all"}]""")]
    [InlineData("\"all\"")]
    [InlineData("0")]
    [InlineData("null")]
    public void Parse_TopLevelNotAnObject_RejectsNotAnObject(string json)
    {
        Assert.Equal(BridgeRejectionReason.NotAnObject, Rejected(json).Reason);
    }

    [Theory]
    [InlineData("""{"type":"all","itemId":"1"}""", "field 'itemId' is not allowed for type 'all'")]
    [InlineData("""{"type":"item","itemId":"1","itemIds":["1"]}""", "field 'itemIds' is not allowed for type 'item'")]
    [InlineData("""{"type":"items","itemIds":["1"],"itemId":"1"}""", "field 'itemId' is not allowed for type 'items'")]
    [InlineData("""{"type":"item","itemId":"1","action":"delete"}""", "field 'action' is not a field of this message format")]
    [InlineData("""{"type":"item","item_id":"1"}""", "field 'item_id' is not a field of this message format")]
    public void Parse_FieldNotAllowed_RejectsUnknownField(string json, string detail)
    {
        var rejection = Rejected(json);

        Assert.Equal(BridgeRejectionReason.UnknownField, rejection.Reason);
        Assert.Equal(detail, rejection.Detail);
    }

    [Theory]
    [InlineData("{}", "field 'type' is required")]
    [InlineData("""{"itemId":"1"}""", "field 'type' is required")]
    [InlineData("""{"type":"item"}""", "field 'itemId' is required for type 'item'")]
    [InlineData("""{"type":"items"}""", "field 'itemIds' is required for type 'items'")]
    public void Parse_RequiredFieldAbsent_RejectsMissingField(string json, string detail)
    {
        var rejection = Rejected(json);

        Assert.Equal(BridgeRejectionReason.MissingField, rejection.Reason);
        Assert.Equal(detail, rejection.Detail);
    }

    [Theory]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":null}""")]
    [InlineData("""{"type":"item","itemId":null}""")]
    [InlineData("""{"type":"item","itemId":false}""")]
    [InlineData("""{"type":"item","itemId":4.2}""")]
    [InlineData("""{"type":"item","itemId":["1"]}""")]
    [InlineData("""{"type":"items","itemIds":"1"}""")]
    [InlineData("""{"type":"items","itemIds":{"0":"1"}}""")]
    [InlineData("""{"type":"items","itemIds":[1,2]}""")]
    [InlineData("""{"type":"all","source":{}}""")]
    [InlineData("""{"type":"all","timestamp":"not a time"}""")]
    public void Parse_FieldOfWrongJsonType_RejectsWrongType(string json)
    {
        Assert.Equal(BridgeRejectionReason.WrongType, Rejected(json).Reason);
    }

    [Theory]
    [InlineData("Item")]
    [InlineData("delete")]
    [InlineData("everything")]
    [InlineData("")]
    public void Parse_UnrecognisedType_RejectsUnknownAction(string type)
    {
        var rejection = Rejected($$"""{"type":"{{type}}"}""");

        Assert.Equal(BridgeRejectionReason.UnknownAction, rejection.Reason);
        Assert.Equal($"type '{type}' is not one of item, items, all", rejection.Detail);
    }

    [Theory]
    [InlineData("""{"type":"item","itemId":""}""")]
    [InlineData("""{"type":"item","itemId":" "}""")]
    [InlineData("""{"type":"items","itemIds":["1",""]}""")]
    [InlineData("""{"type":"all","message_id":""}""")]
    public void Parse_EmptyValue_RejectsEmptyValue(string json)
    {
        Assert.Equal(BridgeRejectionReason.EmptyValue, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_SourceOverFieldLimit_RejectsValueTooLong()
    {
        Assert.Equal(
            BridgeRejectionReason.ValueTooLong,
            Rejected($$"""{"type":"all","source":"{{new string('s', 257)}}"}""").Reason);
    }

    [Theory]
    [InlineData("""{"type":"item","itemId":"a\u0000"}""")]
    [InlineData("""{"type":"item","itemId":"a\nb"}""")]
    [InlineData("""{"type":"items","itemIds":["ok","\u001b[31m"]}""")]
    [InlineData("""{"type":"all","source":"x\ty"}""")]
    public void Parse_ControlCharacters_RejectsInvalidCharacters(string json)
    {
        Assert.Equal(BridgeRejectionReason.InvalidCharacters, Rejected(json).Reason);
    }

    [Fact]
    public void Parse_EmptyItems_RejectsTooManyItems()
    {
        Assert.Equal(BridgeRejectionReason.TooManyItems, Rejected("""{"type":"items","itemIds":[]}""").Reason);
    }

    [Theory]
    [InlineData("""{"type":"item","type":"item","itemId":"1"}""", "type")]
    [InlineData("""{"type":"item","itemId":"1","itemId":1}""", "itemId")]
    [InlineData("""{"type":"all","timestamp":1,"timestamp":2}""", "timestamp")]
    public void Parse_RepeatedField_RejectsDuplicateField(string json, string field)
    {
        var rejection = Rejected(json);

        Assert.Equal(BridgeRejectionReason.DuplicateField, rejection.Reason);
        Assert.Equal($"field '{field}' appears more than once", rejection.Detail);
    }

    // --- Boundaries ---

    [Fact]
    public void Parse_ItemsOfExactlyMaxBatchSize_IsAccepted()
    {
        var invalidation = Accepted($$"""{"type":"items","itemIds":{{Json.StringArray(1000, "")}}}""");

        Assert.Equal(1000, invalidation.Keys.Count);
        Assert.Equal("personality:999", invalidation.Keys[999]);
    }

    [Fact]
    public void Parse_ItemsOfMaxBatchSizePlusOne_RejectsTooManyItems()
    {
        var rejection = Rejected($$"""{"type":"items","itemIds":{{Json.StringArray(1001, "")}}}""");

        Assert.Equal(BridgeRejectionReason.TooManyItems, rejection.Reason);
        Assert.Equal("field 'itemIds' has 1001 items; at most 1000", rejection.Detail);
    }

    [Fact]
    public void Parse_PrefixedKeyOfExactlyMaxKeyLength_IsAccepted()
    {
        // The limit applies to the final key: 12 prefix characters + 1012 id characters = 1024.
        var id = new string('i', 1024 - Prefix.Length);

        Assert.Equal(1024, Assert.Single(Accepted($$"""{"type":"item","itemId":"{{id}}"}""").Keys).Length);
    }

    [Fact]
    public void Parse_PrefixedKeyOfMaxKeyLengthPlusOne_RejectsValueTooLong()
    {
        var id = new string('i', 1024 - Prefix.Length + 1);

        var rejection = Rejected($$"""{"type":"item","itemId":"{{id}}"}""");

        Assert.Equal(BridgeRejectionReason.ValueTooLong, rejection.Reason);
        Assert.Equal("field 'itemId' gives a key of 1025 characters; at most 1024", rejection.Detail);
    }

    [Fact]
    public void Parse_PrefixedBatchKeyOverMaxKeyLength_RejectsValueTooLong()
    {
        var id = new string('i', 1024 - Prefix.Length + 1);

        Assert.Equal(BridgeRejectionReason.ValueTooLong, Rejected($$"""{"type":"items","itemIds":["1","{{id}}"]}""").Reason);
    }

    [Fact]
    public void Parse_TenMegabytePayload_RejectsTooLarge()
    {
        var payload = new byte[10 * 1024 * 1024];
        Array.Fill(payload, (byte)'{');

        Assert.Equal(BridgeRejectionReason.TooLarge, Rejected(payload).Reason);
    }

    [Fact]
    public void Parse_TenThousandOpenBrackets_RejectsTooDeepWithoutStackOverflow()
    {
        Assert.Equal(BridgeRejectionReason.TooDeep, Rejected(new string('[', 10_000)).Reason);
    }

    // --- Key prefix configuration ---

    [Theory]
    [InlineData("")]
    [InlineData("a*:")]
    [InlineData("a?:")]
    [InlineData("a[:")]
    [InlineData("a\\:")]
    [InlineData("a\n:")]
    public void Parse_UnusableKeyPrefix_ThrowsArgumentException(string keyPrefix)
    {
        Assert.Throws<ArgumentException>(() => TypedEventParser.Parse(Json.Bytes("""{"type":"all"}"""), keyPrefix, Limits));
    }

    [Fact]
    public void ValidateKeyPrefix_AsLongAsKeyLimit_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(
            () => TypedEventParser.ValidateKeyPrefix(new string('p', Limits.MaxKeyLength), Limits));
    }

    [Fact]
    public void Parse_NullKeyPrefix_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => TypedEventParser.Parse(Json.Bytes("""{"type":"all"}"""), null!, Limits));
    }

    [Fact]
    public void Parse_AllWithLongestAllowedPrefix_GivesPatternOfMaxKeyLength()
    {
        var prefix = new string('p', Limits.MaxKeyLength - 1);

        var result = TypedEventParser.Parse(Json.Bytes("""{"type":"all"}"""), prefix, Limits);

        Assert.Equal(prefix + "*", result.Invalidation?.Pattern);
    }
}
