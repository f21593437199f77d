using System.Text.Json;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Features.Logs;

namespace WebhookAdmin.Components.Tests.Logs;

public sealed class JsonViewerTests : ComponentTest
{
    private const string TaskEvent = """
        {"company":"625bcbdcc9a8e3a86dbf041c","type":"COTTask","extraData":null,"createdAt":"2022-05-05T19:54:29.924Z",
         "data":{"answers":["62742b57612dc2ecc1219d98"],"isActive":true,"weight":0,"public":{"language":"english"}},"event":"create"}
        """;

    [Fact]
    public void Objects_and_arrays_are_shown_as_a_nested_tree_with_typed_values()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));

        Assert.Equal("\"COTTask\"", Node(viewer, "$.type").QuerySelector(".json-string")!.TextContent);
        Assert.Equal("null", Node(viewer, "$.extraData").QuerySelector(".json-null")!.TextContent);
        Assert.Equal("true", Node(viewer, "$.data.isActive").QuerySelector(".json-boolean")!.TextContent);
        Assert.Equal("0", Node(viewer, "$.data.weight").QuerySelector(".json-number")!.TextContent);
        Assert.Equal("\"62742b57612dc2ecc1219d98\"", Node(viewer, "$.data.answers[0]").QuerySelector(".json-string")!.TextContent);
        Assert.Equal("\"english\"", Node(viewer, "$.data.public.language").QuerySelector(".json-string")!.TextContent);
        Assert.NotNull(Node(viewer, "$.data").QuerySelector("[data-path='$.data.public']"));
    }

    [Fact]
    public void Collapsing_an_object_hides_its_children_behind_a_summary_and_expanding_brings_them_back()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));

        viewer.Find("button[aria-label='Collapse $.data']").Click();

        Assert.Empty(viewer.FindAll("[data-path='$.data.isActive']"));
        Assert.Equal("4 keys", Node(viewer, "$.data").QuerySelector(".json-summary")!.TextContent);
        Assert.Equal("false", viewer.Find("button[aria-label='Expand $.data']").GetAttribute("aria-expanded"));

        viewer.Find("button[aria-label='Expand $.data']").Click();

        Assert.Single(viewer.FindAll("[data-path='$.data.isActive']"));
    }

    [Fact]
    public void Collapsing_an_array_summarises_its_items()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));

        viewer.Find("button[aria-label='Collapse $.data.answers']").Click();

        Assert.Equal("1 item", Node(viewer, "$.data.answers").QuerySelector(".json-summary")!.TextContent);
    }

    [Fact]
    public void The_tree_is_nested_lists_whose_toggles_say_whether_they_are_open()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));

        Assert.Empty(viewer.FindAll("[role=tree], [role=treeitem]"));
        Assert.Equal("UL", Node(viewer, "$.data").QuerySelector(".json-children")!.TagName);
        Assert.Equal("LI", Node(viewer, "$.data.weight").TagName);
        Assert.Equal("true", viewer.Find("button[aria-label='Collapse $.data']").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void The_chosen_view_is_marked_with_a_check_as_well_as_aria_pressed()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));
        AngleSharp.Dom.IElement Button(string text) => viewer.FindAll("button").Single(b => b.TextContent.Trim() == text);

        Assert.Equal(("true", "false"), (Button("Tree").GetAttribute("aria-pressed"), Button("Raw").GetAttribute("aria-pressed")));
        Assert.NotNull(Button("Tree").QuerySelector("svg"));
        Assert.Null(Button("Raw").QuerySelector("svg"));

        Button("Raw").Click();

        Assert.Equal(("false", "true"), (Button("Tree").GetAttribute("aria-pressed"), Button("Raw").GetAttribute("aria-pressed")));
        Assert.Null(Button("Tree").QuerySelector("svg"));
        Assert.NotNull(Button("Raw").QuerySelector("svg"));
    }

    [Fact]
    public void Raw_view_shows_the_indented_json()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, """{"a":{"b":[1,2]},"name":"Órdenes"}"""));

        viewer.FindAll("button").Single(b => b.TextContent.Trim() == "Raw").Click();

        var raw = viewer.Find(".json-viewer-raw").TextContent;
        Assert.Contains("\n  \"a\": {\n    \"b\": [", raw);
        Assert.Contains("\"name\": \"Órdenes\"", raw);
        Assert.Empty(viewer.FindAll(".json-viewer-tree"));
    }

    [Theory]
    [InlineData("<html><body><h1>502 Bad Gateway</h1></body></html>")]
    [InlineData("connect ECONNREFUSED 127.0.0.1:9")]
    [InlineData("{\"truncated\": ")]
    public void A_response_that_is_not_json_is_shown_as_plain_text(string response)
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, response));

        Assert.Equal(response, viewer.Find(".json-viewer-text").TextContent);
        Assert.Contains("Not JSON", viewer.Markup);
        Assert.Empty(viewer.FindAll(".json-viewer-tree"));
    }

    [Fact]
    public void Hostile_strings_are_rendered_as_inert_text()
    {
        const string hostile = """{"name":"</script><img src=x onerror=alert(1)>","<b>key</b>":"x"}""";

        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, hostile));

        Assert.Empty(viewer.FindAll("img"));
        Assert.Empty(viewer.FindAll("b"));
        Assert.Equal("\"</script><img src=x onerror=alert(1)>\"", Node(viewer, "$.name").QuerySelector(".json-string")!.TextContent);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", viewer.Markup);
    }

    [Fact]
    public void Hostile_text_that_is_not_json_is_also_inert()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, "<img src=x onerror=alert(1)>"));

        Assert.Empty(viewer.FindAll("img"));
        Assert.Equal("<img src=x onerror=alert(1)>", viewer.Find(".json-viewer-text").TextContent);
    }

    [Fact]
    public void A_new_document_resets_the_collapsed_nodes()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));
        viewer.Find("button[aria-label='Collapse $.data']").Click();

        viewer.Render(p => p.Add(v => v.Json, TaskEvent.Replace("COTTask", "COTUser")));

        Assert.Single(viewer.FindAll("[data-path='$.data.isActive']"));
        Assert.Equal("\"COTUser\"", Node(viewer, "$.type").QuerySelector(".json-string")!.TextContent);
    }

    [Fact]
    public void Small_document_is_fully_expanded()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, TaskEvent));

        Assert.Equal(["$", "$.data", "$.data.answers", "$.data.public"],
            viewer.FindAll("button.json-toggle").Select(b => b.GetAttribute("aria-label")!["Collapse ".Length..]));
        Assert.All(viewer.FindAll("button.json-toggle"), b => Assert.Equal("true", b.GetAttribute("aria-expanded")));
        Assert.Empty(viewer.FindAll("button.json-more"));
    }

    [Fact]
    public void Large_array_shows_the_first_hundred_items_and_a_button_for_more()
    {
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, $"[{string.Join(",", Enumerable.Range(0, 250))}]"));

        Assert.Single(viewer.FindAll("[data-path='$[99]']"));
        Assert.Empty(viewer.FindAll("[data-path='$[100]']"));
        var more = viewer.Find("button.json-more");
        Assert.Equal("Show 100 more (150 left)", more.TextContent);
        Assert.Equal("Show 100 more (150 left) in $", more.GetAttribute("aria-label"));

        more.Click();

        Assert.Equal("199", Node(viewer, "$[199]").TextContent);
        Assert.Equal("Show 50 more (50 left)", viewer.Find("button.json-more").TextContent);

        viewer.Find("button.json-more").Click();

        Assert.Equal("249", Node(viewer, "$[249]").TextContent);
        Assert.Empty(viewer.FindAll("button.json-more"));
        viewer.Find("button[aria-label='Collapse $']").Click();
        Assert.Equal("250 items", Node(viewer, "$").QuerySelector(".json-summary")!.TextContent);
    }

    [Fact]
    public void Large_document_opens_only_its_first_few_hundred_nodes_and_the_rest_starts_collapsed()
    {
        // 100 records of 6 values: 700 nodes if all were open.
        var records = Enumerable.Range(0, 100).Select(i => $$"""{"id":{{i}},"a":1,"b":2,"c":3,"d":4,"e":5}""");
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, $$"""{"data":[{{string.Join(",", records)}}],"event":"create"}"""));

        Assert.InRange(viewer.FindAll("li[data-path]").Count, 200, 400);
        Assert.Equal("true", viewer.Find("button[aria-label='Collapse $.data[0]']").GetAttribute("aria-expanded"));
        Assert.Equal("false", viewer.Find("button[aria-label='Expand $.data[99]']").GetAttribute("aria-expanded"));
        Assert.Equal("6 keys", Node(viewer, "$.data[99]").QuerySelector(".json-summary")!.TextContent);
        Assert.Equal("\"create\"", Node(viewer, "$.event").QuerySelector(".json-string")!.TextContent);

        viewer.Find("button[aria-label='Expand $.data[99]']").Click();

        Assert.Equal("5", Node(viewer, "$.data[99].e").QuerySelector(".json-number")!.TextContent);
    }

    [Fact]
    public void Long_string_is_cut_with_a_button_to_show_it_all()
    {
        var text = new string('a', 4_999) + "Z";
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, $$"""{"text":"{{text}}"}"""));

        var shown = Node(viewer, "$.text").QuerySelector(".json-string")!.TextContent;
        Assert.Equal("\"" + new string('a', 2_000) + "…", shown);
        var all = viewer.Find("button.json-more");
        Assert.Equal("Show all (5,000 characters)", all.TextContent);
        Assert.Equal("Show all (5,000 characters) of $.text", all.GetAttribute("aria-label"));

        all.Click();

        Assert.Equal($"\"{text}\"", Node(viewer, "$.text").QuerySelector(".json-string")!.TextContent);
        Assert.Empty(viewer.FindAll("button.json-more"));
    }

    [Fact]
    public void Long_raw_text_is_cut_with_a_button_to_show_it_all()
    {
        var json = $$"""{"text":"{{new string('a', 150_000)}}"}""";
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, json));

        viewer.FindAll("button").Single(b => b.TextContent.Trim() == "Raw").Click();

        Assert.Equal(100_000 + "…".Length, viewer.Find(".json-viewer-raw").TextContent.Length);
        viewer.Find("button.json-more").Click();
        Assert.Equal("{\n  \"text\": \"" + new string('a', 150_000) + "\"\n}", viewer.Find(".json-viewer-raw").TextContent);
    }

    [Fact]
    public void A_cut_string_stays_html_encoded()
    {
        var hostile = new string('a', 1_990) + "<img src=x onerror=alert(1)>";
        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, JsonSerializer.Serialize(new { text = hostile })));

        Assert.Empty(viewer.FindAll("img"));
        Assert.Contains("&lt;img src=x", viewer.Markup);
    }

    private static AngleSharp.Dom.IElement Node(IRenderedComponent<JsonViewer> viewer, string path) =>
        viewer.Find($"[data-path='{path}']");
}
