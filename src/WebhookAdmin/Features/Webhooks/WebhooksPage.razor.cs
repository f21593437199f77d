using Microsoft.AspNetCore.Components;
using MudBlazor;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;

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

    protected override async Task OnInitializedAsync() => _companyId = await Admin.CompanyIdAsync();

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
        !string.IsNullOrWhiteSpace(_search) ? $"No webhook's name, code or url contains \"{_search.Trim()}\"."
        : "All of this company's webhooks are disabled. Choose More options → Show disabled to see them.";

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
            $"Deactivate {Selected(ids.Count)}?",
            "They stop sending events at once. Events already waiting are kept and sent if a webhook is activated again.",
            "Deactivate", [.. _selected.Values.Select(w => w.Name).Order(StringComparer.CurrentCultureIgnoreCase)], Color.Error);
        if (!confirmed)
            return;

        var deactivated = await Webhooks.DeactivateManyAsync(_companyId, ids);
        _selected = [];
        Snackbar.Add(deactivated == ids.Count
            ? $"{Selected(deactivated)} deactivated."
            : $"{Selected(deactivated)} deactivated; {ids.Count - deactivated} already disabled or no longer there.", Severity.Success);
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

    private static string Selected(int count) => count == 1 ? "1 webhook" : $"{count} webhooks";

    private static string RowClass(WebhookRow row, int index) => row.IsActive ? "" : "webhook-disabled";
}
