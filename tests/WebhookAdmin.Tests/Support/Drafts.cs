using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Tests.Support;

/// <summary>Valid webhooks of each kind; tests change only the field they are about.</summary>
public static class Drafts
{
    public static WebhookDraft User(string name = "User changes", string url = "https://receiver.example/hook", string? code = null) =>
        new(name, url, WebhookTrigger.User, Code: code);

    public static WebhookDraft Task(string name = "Work Orders Update", string workflow = Ids.Workflow, string url = "https://www.server.com") =>
        new(name, url, WebhookTrigger.Task, new WebhookContext("", "", workflow), Description: "Sends updates on Work Orders");

    public static WebhookDraft Survey(string name = "Inspections", string survey = Ids.Survey, string group = Ids.Group) =>
        new(name, "https://www.test.com", WebhookTrigger.Survey, new WebhookContext(survey, group, ""));

    public static Webhook Saved(this WebhookOutcome outcome) =>
        outcome is WebhookOutcome.Saved saved ? saved.Webhook : throw new Xunit.Sdk.XunitException($"Expected a saved webhook, got {outcome}.");

    public static IReadOnlyDictionary<string, string[]> Errors(this WebhookOutcome outcome) =>
        outcome is WebhookOutcome.Invalid invalid ? invalid.Errors : throw new Xunit.Sdk.XunitException($"Expected field errors, got {outcome}.");
}
