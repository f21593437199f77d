using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class LogsJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Admin_debugs_a_failed_delivery_copies_its_event_and_resends_it_once_the_receiver_is_fixed()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(200, """{"ok":true}"""));
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("CRM user sync", receiver.Url, WebhookTrigger.User))).Webhook;
        var publisher = fixture.App.Get<IEventPublisher>();
        await publisher.PublishAsync(Ids.Acme, UserEdit(1));
        await WaitForArrivalsAsync(receiver, 1);
        receiver.Answer = Answers.Status(500, "<h1>Internal Server Error</h1>");
        await publisher.PublishAsync(Ids.Acme, UserEdit(2));

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var results = page.GetByTestId("logs-table").Locator(".log-result");

        // Live: the failing delivery's retries land while the admin watches, newest first.
        await Expect(results).ToHaveTextAsync(["FAILED", "SUCCESS"], new() { Timeout = 15_000 });
        var failedRow = page.GetByTestId("logs-table").Locator("tbody tr").First;
        await Expect(failedRow).ToContainTextAsync("500");
        await Expect(failedRow.Locator("td[data-label=Retry]")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("logs-table").Locator("td[data-column=sequence]")).ToHaveTextAsync(["2", "1"]);

        await failedRow.GetByRole(AriaRole.Button, new() { Name = "Logs" }).ClickAsync();
        var panel = page.GetByTestId("log-panel");
        await Expect(panel.GetByTestId("event-json").Locator("[data-path='$.data.n'] .json-number")).ToHaveTextAsync("2");
        await Expect(panel.GetByTestId("response-json")).ToContainTextAsync("Not JSON");
        await Expect(panel.GetByTestId("attempts").Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(panel.GetByTestId("log-sequence")).ToContainTextAsync("Delivery 2 of this webhook");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Copy event" }).ClickAsync();
        await Expect(page.GetByText("Event JSON copied to the clipboard.")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        using (var json = JsonDocument.Parse(copied))
        {
            Assert.Equal(("COTUser", "edit", 2), (json.RootElement.GetProperty("type").GetString(), json.RootElement.GetProperty("event").GetString(),
                json.RootElement.GetProperty("data").GetProperty("n").GetInt32()));
        }

        receiver.Answer = Answers.Status(200, """{"ok":true}""");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();

        await Expect(panel.Locator(".log-result")).ToHaveTextAsync("SUCCESS");
        await Expect(panel.GetByTestId("attempts")).ToContainTextAsync("4 (manual)");
        await Expect(results).ToHaveTextAsync(["SUCCESS", "SUCCESS"]);
        Assert.Equal([1, 2, 2, 2, 2], receiver.Arrivals);
        // The resend is the same delivery: its number, and the attempt after the three automatic ones.
        Assert.Equal(("2", "4"), (receiver.Requests[^1].Header("webhook-sequence"), receiver.Requests[^1].Header("webhook-attempt")));
        await EndToEndFixture.ScreenshotForDocsAsync(page, "logs-tab");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_open_log_stands_out_in_the_list_and_tree_or_raw_is_marked_by_more_than_colour()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(200, """{"ok":true}"""));
        var webhook = await CreateAsync("Highlighted rows", receiver.Url);
        var publisher = fixture.App.Get<IEventPublisher>();
        await publisher.PublishAsync(Ids.Acme, UserEdit(1));
        await publisher.PublishAsync(Ids.Acme, UserEdit(2));
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs", Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        var rows = page.GetByTestId("logs-table").Locator("tbody tr");
        await Expect(rows.Locator(".log-result")).ToHaveTextAsync(["SUCCESS", "SUCCESS"], new() { Timeout = 15_000 });

        await rows.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Logs" }).ClickAsync();

        await Expect(page.GetByTestId("log-panel")).ToBeVisibleAsync();
        await Expect(rows.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Logs" })).ToHaveAttributeAsync("aria-expanded", "true");
        var backgrounds = await rows.EvaluateAllAsync<string[]>("trs => trs.map(tr => getComputedStyle(tr.cells[1]).backgroundColor)");
        Assert.NotEqual(backgrounds[0], backgrounds[1]);
        Assert.NotEqual("none", await rows.Nth(1).Locator("td").First.EvaluateAsync<string>("td => getComputedStyle(td).boxShadow"));

        var viewer = page.GetByTestId("event-json");
        var tree = viewer.GetByRole(AriaRole.Button, new() { Name = "Tree" });
        var raw = viewer.GetByRole(AriaRole.Button, new() { Name = "Raw" });
        await Expect(tree).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(tree.Locator("svg")).ToHaveCountAsync(1);
        await Expect(raw.Locator("svg")).ToHaveCountAsync(0);
        await raw.ClickAsync();
        await Expect(raw).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(raw.Locator("svg")).ToHaveCountAsync(1);
        await Expect(tree.Locator("svg")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Resend_failed_says_how_many_and_which_range_and_sends_only_once_confirmed()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "down"));
        var webhook = await CreateAsync("Resend range", receiver.Url);
        var publisher = fixture.App.Get<IEventPublisher>();
        await publisher.PublishAsync(Ids.Acme, UserEdit(1));
        await publisher.PublishAsync(Ids.Acme, UserEdit(2));
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var results = page.GetByTestId("logs-table").Locator(".log-result");
        await Expect(results).ToHaveTextAsync(["FAILED", "FAILED"], new() { Timeout = 15_000 });
        var sent = receiver.Requests.Count;

        await page.GetByRole(AriaRole.Button, new() { Name = "Resend failed", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Resend 2 failed deliveries?");
        await Expect(dialog).ToContainTextAsync("Every FAILED delivery executed at any time is sent again");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Task.Delay(500);
        Assert.Equal(sent, receiver.Requests.Count);

        receiver.Answer = Answers.Status(200, """{"ok":true}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend failed", Exact = true }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Resend 2" }).ClickAsync();

        await Expect(page.GetByText("2 failed deliveries queued to be sent again, oldest first.")).ToBeVisibleAsync();
        await Expect(results).ToHaveTextAsync(["SUCCESS", "SUCCESS"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_test_event_is_marked_as_a_test_in_its_row_and_when_its_log_is_opened()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(200, """{"ok":true}"""));
        var webhook = await CreateAsync("Marked tests", receiver.Url);
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs");
        await EndToEndFixture.WaitForCircuitAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
        await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(["SUCCESS"], new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("logs-table").GetByTestId("test-event-row")).ToHaveTextAsync("Test event");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logs of delivery" }).ClickAsync();

        var panel = page.GetByTestId("log-panel");
        await Expect(panel.GetByTestId("test-event")).ToHaveTextAsync("Test event");
        await Expect(panel).ToContainTextAsync("a sample, not something that happened on the platform");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Issue 16: a tenant sending 1 MiB events must not make the Logs tab unusable. The admin has a small log open (the
    /// circuit and the viewer are warm, as in a session of reading logs) and opens the big one: timed from the click on
    /// its Logs button to the first node of the big part (<c>data</c>'s first record, or its one long string) on screen.
    /// </summary>
    [Theory]
    [InlineData("array of objects", "$.data.items[0]")]
    [InlineData("one long string", "$.data.text")]
    public async Task A_log_of_a_one_megabyte_event_shows_its_json_within_a_second_of_being_opened(string shape, string firstNode)
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(200, """{"ok":true}"""));
        var webhook = await CreateAsync($"Big events ({shape})", receiver.Url);
        var bigEvent = OneMegabyteEvent(shape);
        var size = EventOptions.SizeOf(bigEvent);
        Assert.InRange(size, 1_000_000, 1024 * 1024);
        var publisher = fixture.App.Get<IEventPublisher>();
        await publisher.PublishAsync(Ids.Acme, UserEdit(1));
        await publisher.PublishAsync(Ids.Acme, bigEvent);
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs", Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        var rows = page.GetByTestId("logs-table").Locator("tbody tr");
        await Expect(rows.Locator(".log-result")).ToHaveTextAsync(["SUCCESS", "SUCCESS"], new() { Timeout = 15_000 });
        var viewer = page.GetByTestId("event-json");

        // The fastest of up to three openings: a moment of load on a shared CI machine is not the viewer's doing, while the
        // viewer that built the whole document (1.5–4.6 s, or never) is not under a second in any of them.
        var timings = new List<long>();
        while (timings.Count < 3 && (timings.Count == 0 || timings.Min() > 1_000))
        {
            await rows.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Logs" }).ClickAsync();
            await Expect(viewer.Locator("[data-path='$.data.n']")).ToBeVisibleAsync();
            var stopwatch = Stopwatch.StartNew();
            await rows.Nth(0).GetByRole(AriaRole.Button, new() { Name = "Logs" }).ClickAsync();
            await viewer.Locator($"[data-path='{firstNode}']").WaitForAsync(new() { State = WaitForSelectorState.Visible });
            timings.Add(stopwatch.ElapsedMilliseconds);
        }

        output.WriteLine($"{shape}: {size:N0} bytes; first node shown {string.Join(", ", timings.Select(t => $"{t:N0}"))} ms after the click");
        Assert.InRange(timings.Min(), 0, 1_000);
        await page.Context.CloseAsync();
    }

    private async Task<Webhook> CreateAsync(string name, string url) =>
        ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme, new WebhookDraft(name, url, WebhookTrigger.User))).Webhook;

    private static CotEvent UserEdit(int n) =>
        new(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { n, name = new { displayName = $"User {n}" } }));

    /// <summary>Just under the 1 MiB event limit: 5,000 small records, or one string of a million characters.</summary>
    private static CotEvent OneMegabyteEvent(string shape)
    {
        object data = shape == "one long string"
            ? new { n = 1, text = new string('x', 1_000_000) }
            : new
            {
                n = 1,
                items = Enumerable.Range(0, 5_000).Select(i => new
                {
                    id = i,
                    name = $"Item {i}",
                    email = $"item{i}@acme.test",
                    role = "member",
                    active = i % 2 == 0,
                    score = i * 0.5,
                    tags = new[] { "red", "green" },
                    address = new { city = "Springfield", zip = "12345", street = "742 Evergreen Terrace" },
                }),
            };
        return new(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(data));
    }

    private static async Task WaitForArrivalsAsync(Receiver receiver, int count)
    {
        for (var waited = 0; receiver.Arrivals.Count < count; waited += 25)
        {
            Assert.True(waited < 10_000, "The receiver never got the first event.");
            await Task.Delay(25);
        }
    }
}
