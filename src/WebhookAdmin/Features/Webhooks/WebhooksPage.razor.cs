using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Features.Webhooks;

/// <summary>
/// The Webhooks panel: the company's webhooks a page at a time (searched, sorted and counted in the database, so ten
/// thousand webhooks cost what twenty-five do), disabled ones on request, and bulk deactivation of the checked rows.
/// </summary>
public sealed partial class WebhooksPage
{
    private MudTable<WebhookRow> _table = null!;
    // Checked rows by id, kept across pages and searches so the confirmation can name every one.
    private Dictionary<string, WebhookRow> _selected = [];
    private IReadOnlyList<WebhookRow> _page = [];
    private string? _sortedBy;
    private SortDirection _sortedDirection;
    private string? _search;
    private bool _showDisabled;
    private bool _isEmptyCompany;
    private string _companyId = "";

    [Inject] private WebhookListing Listing { get; set; } = null!;
    [Inject] private WebhookService Webhooks { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private Logs.BrowserTime Time { get; set; } = null!;
    [Inject] private IStringLocalizer<WebhooksText> T { get; set; } = null!;
    [Inject] private IStringLocalizer<Components.AppText> App { get; set; } = null!;

    protected override async Task OnInitializedAsync() => _companyId = await Admin.CompanyIdAsync();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // An automatically deactivated row says since when its deliveries failed, in the admin's own zone.
        if (await Time.ZoneArrivedAsync(firstRender))
            StateHasChanged();
    }

    private async Task<TableData<WebhookRow>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        var query = new WebhookQuery(
            _search,
            _showDisabled,
            Enum.TryParse<WebhookSort>(state.SortLabel, out var sort) ? sort : WebhookSort.Name,
            state.SortDirection == SortDirection.Descending,
            state.Page,
            state.PageSize);
        var page = await Listing.QueryAsync(_companyId, query, cancellationToken);
        _page = page.Items;
        (_sortedBy, _sortedDirection) = (state.SortLabel, state.SortDirection);
        _isEmptyCompany = page.Total == 0 && string.IsNullOrWhiteSpace(_search) && (_showDisabled || !await HasDisabledAsync(cancellationToken));
        return new TableData<WebhookRow> { Items = page.Items, TotalItems = page.Total };
    }

    /// <summary>A company whose webhooks are all disabled is not "empty": it is told where they are instead.</summary>
    private async Task<bool> HasDisabledAsync(CancellationToken cancellationToken) =>
        (await Listing.QueryAsync(_companyId, new WebhookQuery(IncludeDisabled: true, PageSize: 1), cancellationToken)).Total > 0;

    private string NoMatchText =>
        !string.IsNullOrWhiteSpace(_search) ? T["NoMatch", _search.Trim()] : T["AllDisabled"];

    private Task SearchAsync() => ReloadFromFirstPageAsync();

    private Task ToggleDisabledAsync()
    {
        _showDisabled = !_showDisabled;
        return ReloadFromFirstPageAsync();
    }

    /// <summary>A narrower list may not reach the page the admin was on: start again at its first page.</summary>
    private async Task ReloadFromFirstPageAsync()
    {
        _table.NavigateTo(0);
        await _table.ReloadServerData();
    }

    private async Task DeactivateSelectedAsync()
    {
        var ids = _selected.Keys.ToList();
        var confirmed = await ConfirmDialog.AskAsync(Dialogs,
            T.Plural("DeactivateTitle", ids.Count),
            T["DeactivateMessage"],
            T["Deactivate"], [.. _selected.Values.Select(w => w.Name).Order(StringComparer.CurrentCultureIgnoreCase)], Color.Error);
        if (!confirmed)
            return;

        var deactivated = await Webhooks.DeactivateManyAsync(_companyId, ids);
        _selected = [];
        Snackbar.Add(deactivated == ids.Count
            ? T.Plural("Deactivated", deactivated)
            : T.Plural("DeactivatedPartly", deactivated, ids.Count - deactivated), Severity.Success);
        await _table.ReloadServerData();
    }

    private void ClearSelection() => _selected = [];

    private bool PageSelected => _page.Count > 0 && _page.All(w => _selected.ContainsKey(w.Id));

    private void Select(WebhookRow webhook, bool selected)
    {
        if (selected)
            _selected[webhook.Id] = webhook;
        else
            _selected.Remove(webhook.Id);
    }

    /// <summary>The header box checks the visible page, or unchecks it when all of it is checked already.</summary>
    private void SelectPage(bool selected)
    {
        foreach (var webhook in _page)
            Select(webhook, selected);
    }

    private static string RowClass(WebhookRow row, int index) => row.IsActive ? "" : "webhook-disabled";
}
