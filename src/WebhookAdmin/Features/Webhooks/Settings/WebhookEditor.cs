using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Features.Webhooks.Settings;

/// <summary>How a save from the settings panel ended, in the words the panel shows.</summary>
public enum SaveResult
{
    Created,
    Updated,

    /// <summary>Refused with field errors; everything typed is still in the form.</summary>
    Invalid,

    /// <summary>Another admin saved first; see <see cref="WebhookEditor.Conflict"/>.</summary>
    Conflict,

    NotFound,
}

/// <summary>
/// The settings panel's state and rules, with no Razor in it: the code that follows the name until the admin types
/// one, the fields a trigger needs, inline errors, the stale-save check and whether anything is unsaved. One editor
/// per panel (and circuit); it is not thread-safe, as Blazor runs one event at a time per circuit.
/// </summary>
public sealed class WebhookEditor(WebhookService webhooks, string companyId)
{
    private readonly HashSet<string> _touched = [];
    private Dictionary<string, string> _serverErrors = [];
    private WebhookForm _saved = WebhookForm.Empty;
    private bool _codeTypedByHand;
    private bool _codeTaken;
    private int _codeCheck;

    public WebhookForm Form { get; private set; } = WebhookForm.Empty;

    /// <summary>The identifier (ObjectId) once saved; null while the webhook is new.</summary>
    public string? Id { get; private set; }

    public int Version { get; private set; }

    public bool IsNew => Id is null;

    public bool IsDirty => Form != _saved;

    /// <summary>What another admin saved over the version this editor started from; null when there is no conflict.</summary>
    public Webhook? Conflict { get; private set; }

    /// <summary>Why and when the app deactivated this webhook by itself; null unless it is inactive for that reason.</summary>
    public AutomaticDeactivation? Deactivation { get; private set; }

    /// <summary>Its deliveries held for a probe before an automatic deactivation; null unless it is.</summary>
    public ProbeHold? Probe { get; private set; }

    public void Load(Webhook webhook)
    {
        Id = webhook.Id;
        Version = webhook.Version;
        Form = _saved = WebhookForm.From(webhook);
        Deactivation = AutomaticDeactivation.Of(webhook);
        Probe = ProbeHold.Of(webhook);
        Conflict = null;
        _codeTypedByHand = true;
        _codeTaken = false;
        _touched.Clear();
        _serverErrors = [];
    }

    public async Task SetNameAsync(string? name)
    {
        Form = Form with { Name = name ?? "" };
        Touch(WebhookFields.Name);
        if (IsNew && !_codeTypedByHand)
        {
            var check = ++_codeCheck;
            var suggestion = string.IsNullOrWhiteSpace(name) ? "" : await webhooks.SuggestCodeAsync(companyId, name);
            // A slower suggestion for an older name must not overwrite the one for what is typed now.
            if (check == _codeCheck && !_codeTypedByHand)
            {
                Form = Form with { Code = suggestion };
                _codeTaken = false;
            }
        }
    }

    /// <summary>Typing a code stops the suggestion; clearing the field hands it back to the suggestion.</summary>
    public async Task SetCodeAsync(string? code)
    {
        if (!IsNew)
            return;
        code ??= "";
        Form = Form with { Code = code };
        Touch(WebhookFields.Code);
        _codeTypedByHand = code.Length > 0;
        if (!_codeTypedByHand)
        {
            await SetNameAsync(Form.Name);
            return;
        }

        var check = ++_codeCheck;
        var taken = WebhookRules.IsValidCodeFormat(code) && await webhooks.IsCodeTakenAsync(companyId, code, Id);
        if (check == _codeCheck)
            _codeTaken = taken;
    }

    public void SetUrl(string? url) => Set(WebhookFields.Url, Form with { Url = url?.Trim() ?? "" });

    public void SetDescription(string? description) => Set(WebhookFields.Description, Form with { Description = description ?? "" });

    /// <summary>The throttle in deliveries per second, as typed; emptying the field removes it.</summary>
    public void SetRateLimit(string? rateLimit) => Set(WebhookFields.RateLimit, Form with { RateLimit = rateLimit?.Trim() ?? "" });

    /// <summary>Changing the trigger clears the context fields the new trigger does not use, so no stale id is saved.</summary>
    public void SetTrigger(string? trigger)
    {
        var context = new WebhookContext(Form.Survey, Form.Group, Form.Workflow).For(WebhookTrigger.Find(trigger));
        Set(WebhookFields.Trigger, Form with { Trigger = trigger ?? "", Workflow = context.TaskGroup, Survey = context.Survey, Group = context.Group });
    }

    public void SetWorkflow(string? id) => Set(WebhookFields.Workflow, Form with { Workflow = CleanId(id) });

    public void SetSurvey(string? id) => Set(WebhookFields.Survey, Form with { Survey = CleanId(id) });

    public void SetGroup(string? id) => Set(WebhookFields.Group, Form with { Group = CleanId(id) });

    /// <summary>For a new webhook only: whether it starts active. A saved one changes state through <see cref="SetActiveAsync"/>.</summary>
    public void SetActiveOnCreate(bool isActive)
    {
        if (IsNew)
            Form = Form with { IsActive = isActive };
    }

    /// <summary>The message to show under <paramref name="field"/>, once the admin has been there or tried to save.</summary>
    public string? ErrorFor(string field)
    {
        if (!_touched.Contains(field))
            return null;
        return ClientError(field) ?? _serverErrors.GetValueOrDefault(field);
    }

    /// <summary>Saves the form; on any refusal the form keeps every value the admin typed.</summary>
    public async Task<SaveResult> SaveAsync(CancellationToken cancellationToken = default)
    {
        foreach (var field in WebhookFields.All)
            _touched.Add(field);
        if (WebhookFields.All.Any(f => ClientError(f) is not null))
            return SaveResult.Invalid;

        var form = Form;
        var outcome = IsNew
            ? await webhooks.CreateAsync(companyId, new WebhookDraft(form.Name, form.Url, form.Trigger, form.Context, form.Code, form.Description, form.IsActive, form.RateLimitValue), cancellationToken)
            : await webhooks.UpdateAsync(companyId, Id!, new WebhookChanges(form.Name, form.Url, form.Trigger, form.Context, Description: form.Description, ExpectedVersion: Version,
                RateLimit: new Replacement<int?>(form.RateLimitValue)), cancellationToken);
        return Apply(outcome, created: IsNew);
    }

    /// <summary>Activates or deactivates a saved webhook at once; unsaved field changes stay in the form, unsaved.</summary>
    public async Task<SaveResult> SetActiveAsync(bool isActive, CancellationToken cancellationToken = default)
    {
        if (IsNew)
        {
            SetActiveOnCreate(isActive);
            return SaveResult.Updated;
        }

        var outcome = await webhooks.SetActiveAsync(companyId, Id!, isActive, Version, cancellationToken);
        if (outcome is WebhookOutcome.Saved { Webhook: var saved })
        {
            Version = saved.Version;
            Form = Form with { IsActive = saved.IsActive };
            _saved = _saved with { IsActive = saved.IsActive };
            Deactivation = AutomaticDeactivation.Of(saved);
            Probe = ProbeHold.Of(saved);
            return SaveResult.Updated;
        }
        return Apply(outcome, created: false);
    }

    /// <summary>Takes what the other admin saved and drops this editor's changes.</summary>
    public void DiscardMineForTheirs()
    {
        if (Conflict is { } current)
            Load(current);
    }

    /// <summary>Keeps this editor's changes and makes the next save overwrite the other admin's version, knowingly.</summary>
    public void KeepMineOverTheirs()
    {
        if (Conflict is not { } current)
            return;
        Version = current.Version;
        _saved = WebhookForm.From(current);
        Conflict = null;
    }

    private SaveResult Apply(WebhookOutcome outcome, bool created)
    {
        switch (outcome)
        {
            case WebhookOutcome.Saved { Webhook: var saved }:
                Load(saved);
                return created ? SaveResult.Created : SaveResult.Updated;
            case WebhookOutcome.Invalid { Errors: var errors }:
                _serverErrors = errors.ToDictionary(e => e.Key, e => string.Join(" ", e.Value));
                foreach (var field in errors.Keys)
                    _touched.Add(field);
                return SaveResult.Invalid;
            case WebhookOutcome.Conflict { Current: var current }:
                Conflict = current;
                return SaveResult.Conflict;
            default:
                return SaveResult.NotFound;
        }
    }

    private void Set(string field, WebhookForm form)
    {
        Form = form;
        Touch(field);
    }

    private void Touch(string field)
    {
        _touched.Add(field);
        // A server's verdict on a field is about the value it saw; a new value deserves a new verdict.
        _serverErrors.Remove(field);
    }

    private string? ClientError(string field) => field switch
    {
        WebhookFields.Name => WebhookRules.CheckName(Form.Name),
        WebhookFields.Code => CodeError(),
        WebhookFields.Url => WebhookRules.CheckUrl(Form.Url),
        WebhookFields.Description => WebhookRules.CheckDescription(Form.Description),
        WebhookFields.Trigger => WebhookRules.CheckTrigger(Form.Trigger),
        WebhookFields.RateLimit => WebhookRules.CheckRateLimit(Form.RateLimit),
        _ => WebhookRules.CheckContext(WebhookTrigger.Find(Form.Trigger), Form.Context).FirstOrDefault(e => e.Field == field).Message,
    };

    private string? CodeError()
    {
        if (!IsNew)
            return null;
        // An empty code while the name is empty is the name's problem: the code will follow it.
        if (Form.Code.Length == 0 && string.IsNullOrWhiteSpace(Form.Name))
            return null;
        return WebhookRules.CheckCodeFormat(Form.Code)
            ?? (_codeTaken ? WebhookRules.CodeTakenMessage(Form.Code) : null);
    }

    private static string CleanId(string? id) => id?.Trim().ToLowerInvariant() ?? "";
}
