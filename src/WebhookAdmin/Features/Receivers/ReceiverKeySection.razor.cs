using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core.Receivers;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Receivers;

/// <summary>
/// The settings panel's receiver key: create it (shown once, with a copy button), rotate it (the old one works 24 hours
/// more) or revoke it. The key itself is never read back: only its last characters and dates.
/// </summary>
public sealed partial class ReceiverKeySection
{
    private ReceiverKeyInfo? _info;
    private string? _newKey;
    private string _companyId = "";
    private readonly StorageWork _work = new();
    private bool _expanded;

    [Inject] private ReceiverKeys Keys { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private BrowserTime Time { get; set; } = null!;
    [Inject] private Clipboard Clipboard { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private IStringLocalizer<ReceiversText> T { get; set; } = null!;

    [Parameter, EditorRequired] public string WebhookId { get; set; } = "";

    /// <summary>The webhook's name, so a confirmation says which webhook it acts on.</summary>
    [Parameter, EditorRequired] public string WebhookName { get; set; } = "";

    protected override async Task OnInitializedAsync()
    {
        _companyId = await Admin.CompanyIdAsync();
        _info = await Keys.GetAsync(_companyId, WebhookId);
    }

    private Task CreateAsync() => MakeKeyAsync();

    private async Task RotateAsync()
    {
        if (await ConfirmDialog.AskAsync(Dialogs, T["Rotate"], T["RotateQuestion", WebhookName], T["Rotate"]))
            await MakeKeyAsync();
    }

    private async Task MakeKeyAsync()
    {
        await ChangeAsync(async () =>
        {
            if (await Keys.CreateAsync(_companyId, WebhookId) is { } made)
                (_info, _newKey) = (made.Info, made.Key);
        });
    }

    private async Task RevokeAsync()
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, T["Revoke"], T["RevokeQuestion", WebhookName], T["Revoke"], confirmColor: Color.Error))
            return;
        await ChangeAsync(async () =>
        {
            await Keys.RevokeAsync(_companyId, WebhookId);
            (_info, _newKey) = (null, null);
            Snackbar.Add(T["Revoked"], Severity.Success);
        });
    }

    private Task CopyAsync() => _newKey is null ? Task.CompletedTask : Clipboard.CopyAsync(_newKey, T["Copied"]);

    private Task ChangeAsync(Func<Task> change) => _work.RunAsync(change, Snackbar, e => T["Failed", e.Message]);
}
