using System.Text.Json;
using WebhookAdmin.Core.Filters;

namespace WebhookAdmin.Tests.Filters;

/// <summary>What each operator lets through, and how every broken rule is reported where it is.</summary>
public sealed class PayloadFilterTests
{
    private static readonly JsonElement Task = JsonSerializer.SerializeToElement(new
    {
        _id = "6262a6b9c3a8f1a2b4c5d6e7",
        name = "Equipment sector 1 - Equipment 1-A",
        status = "done",
        priority = 3,
        weight = 2.5,
        isActive = true,
        closedAt = (string?)null,
        tags = new object[] { "urgent", "north", 7 },
        assignee = new { name = new { display = "Ana López" }, teams = new[] { new { code = "ops" }, new { code = "qa" } } },
    });

    private static bool Matches(string filterJson, string type = "COTTask", string eventName = "edit")
    {
        var parse = PayloadFilterParser.Parse(filterJson);
        Assert.True(parse.IsValid, string.Join("; ", parse.Errors.Select(e => $"{e.Location}: {e.Message}")));
        return parse.Filter!.Matches(new FilterSubject(type, eventName, Task));
    }

    [Theory]
    [InlineData("""{"path":"data.status","op":"eq","value":"done"}""", true)]
    [InlineData("""{"path":"data.status","op":"eq","value":"Done"}""", false)]
    [InlineData("""{"path":"data.priority","op":"eq","value":3.0}""", true)]
    [InlineData("""{"path":"data.priority","op":"eq","value":"3"}""", false)]
    [InlineData("""{"path":"data.isActive","op":"eq","value":true}""", true)]
    [InlineData("""{"path":"data.closedAt","op":"eq","value":null}""", true)]
    [InlineData("""{"path":"data.missing","op":"eq","value":null}""", false)]
    [InlineData("""{"path":"data.status","op":"ne","value":"open"}""", true)]
    [InlineData("""{"path":"data.missing","op":"ne","value":"open"}""", true)]
    [InlineData("""{"path":"data.status","op":"in","value":["open","done"]}""", true)]
    [InlineData("""{"path":"data.priority","op":"in","value":[1,2]}""", false)]
    [InlineData("""{"path":"data.priority","op":"gt","value":2}""", true)]
    [InlineData("""{"path":"data.priority","op":"gte","value":3}""", true)]
    [InlineData("""{"path":"data.weight","op":"lt","value":2.5}""", false)]
    [InlineData("""{"path":"data.weight","op":"lte","value":2.5}""", true)]
    [InlineData("""{"path":"data.status","op":"gt","value":5}""", false)]
    [InlineData("""{"path":"data.name","op":"gte","value":"Equipment"}""", true)]
    [InlineData("""{"path":"data.closedAt","op":"exists"}""", true)]
    [InlineData("""{"path":"data.missing","op":"exists","value":false}""", true)]
    [InlineData("""{"path":"data.assignee.name.display","op":"exists","value":true}""", true)]
    [InlineData("""{"path":"data.name","op":"startsWith","value":"Equipment sector"}""", true)]
    [InlineData("""{"path":"data.name","op":"startsWith","value":"equipment"}""", false)]
    [InlineData("""{"path":"data.name","op":"contains","value":"1-A"}""", true)]
    [InlineData("""{"path":"data.tags","op":"contains","value":"north"}""", true)]
    [InlineData("""{"path":"data.tags","op":"contains","value":7}""", true)]
    [InlineData("""{"path":"data.tags","op":"contains","value":"south"}""", false)]
    [InlineData("""{"path":"data.priority","op":"contains","value":"3"}""", false)]
    [InlineData("""{"path":"data.tags.1","op":"eq","value":"north"}""", true)]
    [InlineData("""{"path":"data.assignee.teams.1.code","op":"eq","value":"qa"}""", true)]
    [InlineData("""{"path":"data.assignee.teams.2.code","op":"exists"}""", false)]
    [InlineData("""{"path":"data.status.deeper","op":"exists"}""", false)]
    [InlineData("""{"path":"type","op":"eq","value":"COTTask"}""", true)]
    [InlineData("""{"path":"event","op":"in","value":["create","delete"]}""", false)]
    [InlineData("""{"and":[{"path":"data.status","op":"eq","value":"done"},{"path":"data.priority","op":"gte","value":3}]}""", true)]
    [InlineData("""{"and":[{"path":"data.status","op":"eq","value":"done"},{"path":"data.priority","op":"gt","value":3}]}""", false)]
    [InlineData("""{"or":[{"path":"data.status","op":"eq","value":"open"},{"path":"data.priority","op":"gt","value":2}]}""", true)]
    [InlineData("""{"not":{"path":"event","op":"eq","value":"delete"}}""", true)]
    [InlineData("""{"and":[{"not":{"or":[{"path":"data.status","op":"eq","value":"open"}]}},{"path":"data.tags","op":"contains","value":"urgent"}]}""", true)]
    public void Each_operator_matches_as_documented(string filter, bool expected) => Assert.Equal(expected, Matches(filter));

    [Theory]
    [InlineData("""[]""", "")]
    [InlineData("""{"path":"data.a","op":"eq","value":1,"and":[]}""", "")]
    [InlineData("""{"path":"data.a","op":"eq","value":1,"extra":1}""", "extra")]
    [InlineData("""{"op":"eq","value":1}""", "path")]
    [InlineData("""{"path":"status","op":"eq","value":1}""", "path")]
    [InlineData("""{"path":"data..a","op":"eq","value":1}""", "path")]
    [InlineData("""{"path":"type.x","op":"eq","value":1}""", "path")]
    [InlineData("""{"path":"data.a","value":1}""", "op")]
    [InlineData("""{"path":"data.a","op":"between","value":1}""", "op")]
    [InlineData("""{"path":"data.a","op":"eq"}""", "value")]
    [InlineData("""{"path":"data.a","op":"eq","value":{"b":1}}""", "value")]
    [InlineData("""{"path":"data.a","op":"in","value":"x"}""", "value")]
    [InlineData("""{"path":"data.a","op":"in","value":[]}""", "value")]
    [InlineData("""{"path":"data.a","op":"in","value":[[1]]}""", "value")]
    [InlineData("""{"path":"data.a","op":"gt","value":true}""", "value")]
    [InlineData("""{"path":"data.a","op":"exists","value":"yes"}""", "value")]
    [InlineData("""{"path":"data.a","op":"startsWith","value":""}""", "value")]
    [InlineData("""{"path":"data.a","op":"contains","value":""}""", "value")]
    [InlineData("""{"and":[]}""", "and")]
    [InlineData("""{"or":{"path":"data.a","op":"exists"}}""", "or")]
    [InlineData("""{"and":[{"path":"data.a","op":"exists"},{"path":"data.b","op":"nope"}]}""", "and[1].op")]
    [InlineData("""{"or":[{"path":"data.a","op":"exists"},{"not":{"path":"x","op":"exists"}}]}""", "or[1].not.path")]
    public void A_broken_rule_is_reported_where_it_is(string filter, string location)
    {
        var parse = PayloadFilterParser.Parse(filter);

        Assert.False(parse.IsValid);
        Assert.Contains(parse.Errors, e => e.Location == location);
    }

    [Fact]
    public void Every_broken_row_is_reported_not_only_the_first()
    {
        var parse = PayloadFilterParser.Parse("""{"and":[{"path":"nope","op":"eq","value":1},{"path":"data.a","op":"eq","value":1},{"path":"data.b","op":"lt","value":null}]}""");

        Assert.Equal(["and[0].path", "and[2].value"], parse.Errors.Select(e => e.Location));
    }

    [Fact]
    public void Limits_on_size_depth_and_conditions_are_enforced()
    {
        var many = string.Join(",", Enumerable.Range(0, PayloadFilterParser.MaxConditions + 1).Select(i => $$"""{"path":"data.a{{i}}","op":"exists"}"""));
        var deep = string.Concat(Enumerable.Repeat("""{"not":""", PayloadFilterParser.MaxDepth)) + """{"path":"data.a","op":"exists"}""" + new string('}', PayloadFilterParser.MaxDepth);
        var longValue = $$"""{"path":"data.a","op":"eq","value":"{{new string('x', PayloadFilterParser.MaxStringLength + 1)}}"}""";

        Assert.Contains(PayloadFilterParser.Parse($$"""{"and":[{{many}}]}""").Errors, e => e.Location == "and");
        Assert.False(PayloadFilterParser.Parse(deep).IsValid);
        Assert.Equal("value", Assert.Single(PayloadFilterParser.Parse(longValue).Errors).Location);
        Assert.Equal("", Assert.Single(PayloadFilterParser.Parse("{\"and\":[").Errors).Location);
    }

    [Fact]
    public void A_filter_is_stored_in_its_canonical_form_and_reads_back_the_same()
    {
        var parse = PayloadFilterParser.Parse("""{ "or": [ {"path":" data.status ","op":"EQ","value":"done"}, {"not": {"path":"data.a","op":"exists"}} ] }""");

        var json = parse.Filter!.ToJson();

        Assert.Equal("""{"or":[{"path":"data.status","op":"eq","value":"done"},{"not":{"path":"data.a","op":"exists","value":true}}]}""", json);
        Assert.Equal(json, PayloadFilterParser.Parse(json).Filter!.ToJson());
    }

    [Fact]
    public void A_stored_body_is_matched_on_its_data_type_and_event()
    {
        using var body = JsonDocument.Parse("""{"company":"625bcbdcc9a8e3a86dbf041c","type":"COTNote","extraData":null,"createdAt":"2026-12-07T10:00:00.000Z","data":{"content":"Call back"},"event":"create"}""");
        var filter = PayloadFilterParser.Parse("""{"and":[{"path":"type","op":"eq","value":"COTNote"},{"path":"data.content","op":"startsWith","value":"Call"},{"path":"event","op":"eq","value":"create"}]}""").Filter!;

        Assert.True(filter.Matches(FilterSubject.OfBody(body.RootElement)));
    }
}
