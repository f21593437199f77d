using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core.EndpointAuth;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.EndpointAuth;

/// <summary>
/// The settings panel's endpoint authentication: custom headers and Basic, Bearer or OAuth2 credentials for receivers
/// that want more than the signature. It saves on its own (its own resource in the API); secrets are write-only.
/// </summary>
public sealed partial class EndpointAuthSection
{
    private EndpointAuthForm? _form;
    private string _companyId = "";
    private readonly StorageWork _work = new();
    private bool _expanded;

    [Inject] private EndpointAuthService Auth { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IStringLocalizer<AuthenticationText> T { get; set; } = null!;

    [Parameter, EditorRequired] public string WebhookId { get; set; } = "";

    protected override async Task OnInitializedAsync()
    {
        _companyId = await Admin.CompanyIdAsync();
        if (await Auth.GetAsync(_companyId, WebhookId) is { } view)
            _form = EndpointAuthForm.From(view);
    }

    private bool Has(string field) => _form?.ErrorFor(field) is not null;

    private string SecretHelp(string storedMask) => storedMask.Length == 0 ? "" : T["StoredKeep", storedMask];

    private Task SaveAsync() => _form is not { } form ? Task.CompletedTask : _work.RunAsync(async () =>
    {
        switch (await Auth.SaveAsync(_companyId, WebhookId, form.ToSettings()))
        {
            case EndpointAuthOutcome.Saved saved:
                _form = EndpointAuthForm.From(saved.View);
                Snackbar.Add(T["Saved"], Severity.Success);
                break;
            case EndpointAuthOutcome.Invalid invalid:
                form.ShowErrors(invalid.Errors);
                break;
            default:
                Snackbar.Add(T["WebhookGone"], Severity.Error);
                break;
        }
    }, Snackbar, e => T["NotSaved", e.Message]);
}
