using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using MudBlazor;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Features.Logs;

/// <summary>
/// The settings panel's Logs tab: a webhook's deliveries, newest first, filtered through the URL, refreshed live while
/// open, with the selected delivery's event, response and attempts beside the table.
/// </summary>
public sealed partial class LogsTab
{
    private static readonly IReadOnlyList<string> EventTypes = CotEventTypes.All;

    private LogFilter _filter = LogFilter.None;
    private int _page = 1;
    private Page<LogRow>? _rows;
    private WebhookLog? _selected;
    private bool _fullScreen;
    private string _companyId = "";
    private IDisposable? _subscription;

    [Inject] private WebhookLogQueries Queries { get; set; } = null!;
    [Inject] private LogNotifications Notifications { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private BrowserTime Time { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;

    [Inject] private DeliveryResender Resender { get; set; } = null!;
    [Inject] private TestEventSender TestEvents { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;
    [Inject] private IStringLocalizer<LogsText> T { get; set; } = null!;

    private static readonly DialogOptions FullScreenLog = new() { FullScreen = true, NoHeader = true, CloseOnEscapeKey = true };

    [Parameter, EditorRequired] public string WebhookId { get; set; } = "";

    protected override async Task OnInitializedAsync()
    {
        (_filter, _page) = LogFilterQuery.Parse(Navigation.Uri);
        _companyId = await Admin.CompanyIdAsync();
        _subscription = Notifications.Subscribe(WebhookId, () => InvokeAsync(async () =>
        {
            await ReloadAsync();
            StateHasChanged();
        }));
        await ReloadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (await Time.ZoneArrivedAsync(firstRender))
            StateHasChanged();
    }

    /// <summary>Reads the current page again, and the open log with it when its row says it changed (an attempt more).</summary>
    public async Task ReloadAsync()
    {
        _rows = await Queries.ListRowsAsync(_companyId, WebhookId, _filter, _page);
        // Live updates come at every delivery of the webhook: re-reading an open 1 MiB event each time would cost more
        // than the whole page, so it is read again only when its own delivery moved on.
        if (_selected is not null && !IsCurrent(_selected, _rows))
            _selected = await Queries.GetAsync(_companyId, _selected.PublicId);
    }

    private static bool IsCurrent(WebhookLog open, Page<LogRow>? rows) =>
        rows?.Items.FirstOrDefault(row => row.Id == open.PublicId) is { } row
        && (row.State, row.Status, row.Retry) == (open.State, open.Status, open.Retry);

    private async Task ApplyAsync(LogFilter filter)
    {
        _filter = filter;
        await GoToPageAsync(1);
    }

    private async Task GoToPageAsync(int page)
    {
        _page = page;
        // The URL carries the view, so it can be bookmarked or sent to a colleague; replacing keeps Back useful.
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(LogFilterQuery.ToQuery(_filter, _page)), replace: true);
        await ReloadAsync();
    }

    private async Task OpenAsync(string logId)
    {
        // Asked while the database reads the log (up to 1 MiB): a browser round trip after it delayed the panel.
        var narrow = IsNarrowAsync();
        _selected = await Queries.GetAsync(_companyId, logId);
        _fullScreen = await narrow && _selected is not null;
    }

    private void Close() => _selected = null;

    private bool IsOpen(LogRow row) => row.Id == _selected?.PublicId;

    /// <summary>The open log's row stands out, so the admin sees which delivery the panel beside the list shows.</summary>
    private string RowClass(LogRow row, int index) => IsOpen(row) ? "log-row-open" : "";

    private async Task<bool> IsNarrowAsync()
    {
        try
        {
            return await JS.InvokeAsync<bool>("webhookAdmin.isNarrow");
        }
        catch (JSException)
        {
            return false;
        }
    }

    private async Task ResendSelectedAsync()
    {
        if (_selected is null)
            return;
        Report(await Resender.ResendAsync(_companyId, _selected.PublicId), T["ResendQueued"]);
        await ReloadAsync();
    }

    /// <summary>
    /// The FAILED deliveries of the range the admin is looking at (the From–To filter; everything when unset), after a
    /// confirmation that says how many and which range: one click can send thousands of requests to a receiver.
    /// </summary>
    private async Task ResendFailedAsync()
    {
        var failed = await Queries.CountAsync(_companyId, WebhookId, new LogFilter(LogResult.Failed, From: _filter.From, To: _filter.To));
        if (failed is 0 or null)
        {
            Snackbar.Add(T["NoFailed", Range], Severity.Info);
            return;
        }
        if (!await ConfirmDialog.AskAsync(Dialogs, T["ResendTitle", T.Plural("FailedCount", failed.Value)], T["ResendMessage", Range], T["ResendConfirm", failed.Value]))
            return;

        var outcome = await Resender.ResendFailedAsync(_companyId, WebhookId, _filter.From, _filter.To);
        Report(outcome, outcome is ResendOutcome.Queued { Count: var queued }
            ? queued == 0 ? T["NoFailedInRange"] : T.Plural("FailedQueued", queued)
            : "");
        await ReloadAsync();
    }

    private async Task SendTestEventAsync()
    {
        if (await TestEvents.SendAsync(_companyId, WebhookId) is not { } sent)
            return;
        Snackbar.Add(sent.WebhookIsActive ? T["TestQueuedActive"] : T["TestQueuedInactive"], Severity.Info);
        await ReloadAsync();
    }

    private void Report(ResendOutcome outcome, string queued)
    {
        switch (outcome)
        {
            case ResendOutcome.Queued:
                Snackbar.Add(queued, Severity.Success);
                break;
            case ResendOutcome.Refused refused:
                Snackbar.Add(refused.Reason, Severity.Warning);
                break;
            default:
                Snackbar.Add(T["DeliveryGone"], Severity.Error);
                break;
        }
    }

    /// <summary>The From–To filter in words, completing "executed …".</summary>
    private string Range => ResendRange.Describe(_filter.From, _filter.To, Time, T);

    private static string EventLabel(LogRow row) =>
        string.IsNullOrEmpty(row.EventType) ? "—" : $"{row.EventType} · {row.EventName}";

    private string? ToLocalInput(DateTime? utc) => Time.ToLocalInput(utc);

    private DateTime? FromLocalInput(string? local) => Time.FromLocalInput(local);

    public void Dispose() => _subscription?.Dispose();
}
