using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>What a publish stores: which webhooks an event matches, and the body each will receive. No attempts are made.</summary>
public sealed class PublishingTests : IAsyncLifetime
{
    private DispatcherHost _host = null!;

    public async Task InitializeAsync() => _host = await DispatcherHost.StartAsync(dispatch: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Task_events_go_only_to_webhooks_watching_their_workflow()
    {
        var watching = await _host.CreateWebhookAsync(Drafts.Task(workflow: Ids.Workflow));
        var other = await _host.CreateWebhookAsync(Drafts.Task(workflow: Ids.OtherWorkflow));

        await _host.PublishAsync(Events.TaskCreated(1, Ids.Workflow.ToUpperInvariant()));

        Assert.Single(await _host.LogsAsync(watching.Id));
        Assert.Empty(await _host.LogsAsync(other.Id));
    }

    [Fact]
    public async Task Survey_executions_match_on_both_survey_and_group()
    {
        var webhook = await _host.CreateWebhookAsync(Drafts.Survey(survey: Ids.Survey, group: Ids.Group));

        await _host.PublishAsync(Events.SurveyAnswered(1, Ids.Survey, Ids.Group));
        await _host.PublishAsync(Events.SurveyAnswered(2, Ids.Survey, Ids.Workflow));
        await _host.PublishAsync(Events.SurveyAnswered(3, Ids.Workflow, Ids.Group));

        Assert.Equal([1], (await _host.LogsAsync(webhook.Id)).Select(N));
    }

    [Fact]
    public async Task Logout_goes_to_logout_webhooks_and_user_edits_to_user_webhooks()
    {
        var users = await _host.CreateWebhookAsync(Drafts.User(name: "Users"));
        var logouts = await _host.CreateWebhookAsync(new WebhookDraft("Logouts", "https://receiver.example/logout", WebhookTrigger.LogoutUser));
        var tasks = await _host.CreateWebhookAsync(Drafts.Task());

        await _host.PublishAsync(Events.UserEdit(1));
        await _host.PublishAsync(Events.UserLogout(2));

        Assert.Equal([1], (await _host.LogsAsync(users.Id)).Select(N));
        Assert.Equal([2], (await _host.LogsAsync(logouts.Id)).Select(N));
        Assert.Empty(await _host.LogsAsync(tasks.Id));
    }

    [Fact]
    public async Task Inactive_webhooks_and_other_companies_webhooks_get_nothing()
    {
        var active = await _host.CreateWebhookAsync(Drafts.User(name: "Active"));
        var inactive = await _host.CreateWebhookAsync(Drafts.User(name: "Inactive") with { IsActive = false });
        var globex = await _host.CreateWebhookAsync(Drafts.User(name: "Globex"), Ids.Globex);

        await _host.PublishAsync(Events.UserEdit(1), Ids.Acme);

        Assert.Single(await _host.LogsAsync(active.Id));
        Assert.Empty(await _host.LogsAsync(inactive.Id));
        Assert.Empty(await _host.LogsAsync(globex.Id));
    }

    [Fact]
    public async Task The_same_caller_id_twice_stores_one_set_of_deliveries_and_answers_the_same_id()
    {
        var webhook = await _host.CreateWebhookAsync(Drafts.User());

        var first = await _host.Publisher.PublishAsync(Ids.Acme, Events.UserEdit(1, callerId: "evt-42"));
        var again = await _host.Publisher.PublishAsync(Ids.Acme, Events.UserEdit(1, callerId: "evt-42"));
        var otherCompany = await _host.Publisher.PublishAsync(Ids.Globex, Events.UserEdit(1, callerId: "evt-42"));

        var (a, b, c) = (Assert.IsType<PublishOutcome.Accepted>(first), Assert.IsType<PublishOutcome.Accepted>(again), Assert.IsType<PublishOutcome.Accepted>(otherCompany));
        Assert.Equal((a.EventId, 1, false), (b.EventId, b.Deliveries, a.Repeated));
        Assert.True(b.Repeated);
        Assert.NotEqual(a.EventId, c.EventId);
        Assert.Single(await _host.LogsAsync(webhook.Id));
    }

    [Fact]
    public async Task Events_are_sequenced_in_publish_order_and_stored_with_their_deliveries()
    {
        var webhook = await _host.CreateWebhookAsync(Drafts.User());

        var ids = new List<string>();
        for (var n = 1; n <= 5; n++)
            ids.Add(await _host.PublishAsync(Events.UserEdit(n)));

        var logs = await _host.LogsAsync(webhook.Id);
        Assert.Equal(ids, logs.Select(l => l.Event!.Id));
        Assert.Equal(logs.Select(l => l.Sequence).Order(), logs.Select(l => l.Sequence));
        Assert.Equal(5, logs.Select(l => l.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task The_stored_event_has_the_documented_shape()
    {
        var webhook = await _host.CreateWebhookAsync(Drafts.Task());
        var createdAt = new DateTimeOffset(2022, 5, 5, 19, 54, 29, 924, TimeSpan.Zero);

        await _host.PublishAsync(new CotEvent(CotEventTypes.Task, CotEventNames.Create,
            Events.Data(new { taskGroup = Ids.Workflow, name = "Equipment 1-A" }), ExtraData: null, CreatedAt: createdAt));

        var sent = JsonDocument.Parse(Assert.Single(await _host.LogsAsync(webhook.Id)).EventJson).RootElement;
        Assert.Equal(["company", "type", "extraData", "createdAt", "data", "event"], sent.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Ids.Acme, sent.GetProperty("company").GetString());
        Assert.Equal("COTTask", sent.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("extraData").ValueKind);
        Assert.Equal("2022-05-05T19:54:29.924Z", sent.GetProperty("createdAt").GetString());
        Assert.Equal("Equipment 1-A", sent.GetProperty("data").GetProperty("name").GetString());
        Assert.Equal("create", sent.GetProperty("event").GetString());
    }

    [Theory]
    [InlineData("COTOrder", "create", "{}", "type")]
    [InlineData(null, "create", "{}", "type")]
    [InlineData("COTTask", "archive", "{}", "event")]
    [InlineData("COTTask", "logout", "{}", "event")]
    [InlineData("COTTask", "create", "[1]", "data")]
    [InlineData("COTTask", "create", null, "data")]
    public async Task Invalid_events_are_refused_naming_the_field_and_store_nothing(string? type, string? name, string? data, string field)
    {
        var outcome = await _host.Publisher.PublishAsync(Ids.Acme,
            new CotEvent(type, name, data is null ? null : JsonDocument.Parse(data).RootElement));

        var invalid = Assert.IsType<PublishOutcome.Invalid>(outcome);
        Assert.Equal([field], invalid.Errors.Keys);
        await using var db = await _host.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Events.CountAsync());
    }

    private static int N(Core.Logs.WebhookLog log) =>
        JsonDocument.Parse(log.EventJson).RootElement.GetProperty("data").GetProperty("n").GetInt32();
}
