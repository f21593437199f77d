using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Identity;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Features.Webhooks.Settings;

/// <summary>
/// The settings panel: create a webhook (<c>/admin/webhooks/new</c>) or edit one (<c>/admin/webhooks/{id}</c>), with the
/// Activate switch, Save, and the General information and Logs tabs (<c>?tab=logs</c> opens the second).
/// </summary>
public sealed partial class WebhookSettingsPage : IDisposable
{
    private const int LogsTabIndex = 1;

    private WebhookEditor? _editor;
    private bool _notFound;
    private bool _busy;
    private string? _loadedId;
    private int _activeTab;
    private Snackbar? _refusal;
    private bool _disposed;

    [Inject] private WebhookService Webhooks { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private BrowserTime Time { get; set; } = null!;
    [Inject] private IStringLocalizer<WebhooksText> T { get; set; } = null!;
    [Inject] private IStringLocalizer<Components.AppText> App { get; set; } = null!;

    /// <summary>The webhook's ObjectId; null on <c>/admin/webhooks/new</c>.</summary>
    [Parameter] public string? Id { get; set; }

    [SupplyParameterFromQuery(Name = "tab")] public string? Tab { get; set; }

    private string Title => _notFound ? T["WebhookNotFound"]
        : _editor is null ? (Id is null ? T["NewWebhook"] : T["Webhook"])
        : _editor.IsNew ? T["NewWebhook"]
        : _editor.Form.Name.Length > 0 ? _editor.Form.Name : T["Webhook"];

    private MarkupString NotFoundMessage => T.Markup("NotFoundText", LocalizerExtensions.Code(Id ?? ""));

    /// <summary>When the other admin saved, in the admin's zone and format, the exact instant on hover.</summary>
    private MarkupString ConflictMessage(Webhook theirs) =>
        T.Markup("Conflict", LocalizerExtensions.WithTitle(Time.Local(theirs.ModifiedAt), BrowserTime.Exact(theirs.ModifiedAt)));

    private int ActiveTab
    {
        get => _activeTab;
        set
        {
            // MudTabs moves to another panel while its panels are disposed with the page: that is no tab change to record.
            // Nor is one while prerendering, where the panels are disposed after the answer and NavigateTo would throw.
            if (value == _activeTab || _disposed || !RendererInfo.IsInteractive)
                return;
            _activeTab = value;
            // The open tab is part of the address, so a link to a webhook's logs opens on them.
            Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("tab", value == LogsTabIndex ? "logs" : null), replace: true);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _activeTab = Tab == "logs" ? LogsTabIndex : 0;
        // Query changes (tab, log filters) re-supply parameters; only a different webhook means loading again.
        if (_editor is not null && Id == _loadedId)
            return;

        _loadedId = Id;
        _notFound = false;
        var companyId = await Admin.CompanyIdAsync();
        var editor = new WebhookEditor(Webhooks, companyId);
        if (Id is not null)
        {
            if (await Webhooks.GetAsync(companyId, Id) is not { } webhook)
            {
                _notFound = true;
                _editor = null;
                return;
            }
            editor.Load(webhook);
        }
        _editor = editor;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The conflict message shows the other admin's save time in the admin's own zone.
        if (await Time.ZoneArrivedAsync(firstRender))
            StateHasChanged();
    }

    private async Task SaveAsync()
    {
        if (_editor is null)
            return;
        _busy = true;
        DismissRefusal();
        try
        {
            var result = await _editor.SaveAsync();
            switch (result)
            {
                case SaveResult.Created:
                    Snackbar.Add(T["Created", _editor.Form.Name], Severity.Success);
                    _loadedId = _editor.Id;
                    Navigation.NavigateTo($"/admin/webhooks/{_editor.Id}", replace: true);
                    break;
                case SaveResult.Updated:
                    Snackbar.Add(T["ChangesSaved"], Severity.Success);
                    break;
                default:
                    Report(result);
                    break;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SetActiveAsync(bool isActive)
    {
        if (_editor is null)
            return;
        if (_editor.IsNew)
        {
            _editor.SetActiveOnCreate(isActive);
            return;
        }

        _busy = true;
        DismissRefusal();
        try
        {
            var result = await _editor.SetActiveAsync(isActive);
            if (result == SaveResult.Updated)
                Snackbar.Add(isActive ? T["Activated"] : T["DeactivatedOne"],
                    isActive ? Severity.Success : Severity.Info);
            else
                Report(result);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Report(SaveResult result) => _refusal = Snackbar.Add(result switch
    {
        SaveResult.Invalid => T["NotSavedInvalid"],
        SaveResult.Conflict => T["NotSavedConflict"],
        _ => T["NotSavedGone"],
    }, Severity.Error);

    /// <summary>A new attempt makes the last refusal stale: "Not saved…" must not stay beside "Webhook … created.".</summary>
    private void DismissRefusal()
    {
        if (_refusal is not null)
            Snackbar.Remove(_refusal);
        _refusal = null;
    }

    private void TakeTheirs() => _editor?.DiscardMineForTheirs();

    private void KeepMine() => _editor?.KeepMineOverTheirs();

    private async Task ConfirmLeavingAsync(LocationChangingContext context)
    {
        if (_editor is not { IsDirty: true })
            return;
        // Tabs and log filters only change the query of this same page: nothing typed is lost.
        if (SamePath(context.TargetLocation, Navigation.Uri))
            return;

        var leave = await Dialogs.ShowMessageBoxAsync(
            T["DiscardTitle"],
            T["DiscardMessage"],
            yesText: T["DiscardYes"], cancelText: T["DiscardNo"]);
        if (leave != true)
            context.PreventNavigation();
    }

    public void Dispose() => _disposed = true;

    private bool SamePath(string target, string current) =>
        string.Equals(Navigation.ToAbsoluteUri(target).AbsolutePath, Navigation.ToAbsoluteUri(current).AbsolutePath, StringComparison.OrdinalIgnoreCase);
}
