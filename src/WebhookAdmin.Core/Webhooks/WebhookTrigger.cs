namespace WebhookAdmin.Core.Webhooks;

/// <summary>Which context fields a trigger narrows its events by.</summary>
public enum TriggerContext
{
    None,
    Workflow,
    SurveyAndGroup,
}

/// <summary>A trigger as stored and sent in JSON (<see cref="Value"/>) and as an admin reads it (<see cref="Label"/>).</summary>
public sealed record WebhookTrigger(string Value, string Label, string EventType, TriggerContext Context)
{
    public const string User = "create-edit-delete-user";
    public const string Task = "create-edit-delete-task";
    public const string Survey = "create-edit-delete-survey";
    public const string Property = "create-edit-delete-property";
    public const string Note = "create-edit-delete-note";
    public const string LogoutUser = "logout-user";

    /// <summary>The documented triggers (COTWebhook, newer page), in the order the admin panel lists them.</summary>
    public static IReadOnlyList<WebhookTrigger> All { get; } =
    [
        new(User, "Create/Edit/Remove User", "COTUser", TriggerContext.None),
        new(Task, "Create/Edit/Remove Task", "COTTask", TriggerContext.Workflow),
        new(Survey, "Create/Edit/Remove Survey", "COTSurveyExecution", TriggerContext.SurveyAndGroup),
        new(Property, "Create/Edit/Remove Element", "COTProperty", TriggerContext.None),
        new(Note, "Create/Edit/Remove Note", "COTNote", TriggerContext.None),
        new(LogoutUser, "User Logout", "COTUser", TriggerContext.None),
    ];

    public static WebhookTrigger? Find(string? value) => All.FirstOrDefault(t => t.Value == value);

    public static string LabelOf(string value) => Find(value)?.Label ?? value;
}
