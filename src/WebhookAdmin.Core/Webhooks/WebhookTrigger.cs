namespace WebhookAdmin.Core.Webhooks;

/// <summary>Which context fields a trigger narrows its events by.</summary>
public enum TriggerContext
{
    None,
    Workflow,
    SurveyAndGroup,
}

/// <summary>
/// A trigger as stored and sent in JSON (<see cref="Value"/>, the same in every language) and as an admin reads it
/// (<see cref="Label"/>, in the reader's language: "Create/Edit/Remove Task", "Crear/Editar/Eliminar Tarea").
/// </summary>
public sealed record WebhookTrigger(string Value, string EventType, TriggerContext Context)
{
    public const string User = "create-edit-delete-user";
    public const string Task = "create-edit-delete-task";
    public const string Survey = "create-edit-delete-survey";
    public const string Property = "create-edit-delete-property";
    public const string Note = "create-edit-delete-note";
    public const string LogoutUser = "logout-user";

    /// <summary>The app's own events about the company's webhooks (<see cref="Notices.NoticeKinds"/>), not the platform's.</summary>
    public const string Operations = "operations";

    /// <summary>The documented triggers (COTWebhook, newer page) and <see cref="Operations"/>, in the order the admin panel lists them.</summary>
    public static IReadOnlyList<WebhookTrigger> All { get; } =
    [
        new(User, "COTUser", TriggerContext.None),
        new(Task, "COTTask", TriggerContext.Workflow),
        new(Survey, "COTSurveyExecution", TriggerContext.SurveyAndGroup),
        new(Property, "COTProperty", TriggerContext.None),
        new(Note, "COTNote", TriggerContext.None),
        new(LogoutUser, "COTUser", TriggerContext.None),
        new(Operations, Notices.NoticeKinds.Type, TriggerContext.None),
    ];

    /// <summary>The label in the current UI culture ("Element" for <c>create-edit-delete-property</c>, as the admin panel calls it).</summary>
    public string Label => WebhookText.Localizer["Trigger_" + Value];

    public static WebhookTrigger? Find(string? value) => All.FirstOrDefault(t => t.Value == value);

    public static string LabelOf(string value) => Find(value)?.Label ?? value;
}
