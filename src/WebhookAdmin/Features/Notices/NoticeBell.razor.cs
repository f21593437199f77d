using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Notices;

/// <summary>
/// The app bar's bell: the company's latest notices (<see cref="NoticeBoard"/>), the unread count on a badge, and opening
/// the list marks everything it shows as seen. Live: this instance's new notices arrive at once through
/// <see cref="NoticeBoard.Subscribe"/>; another instance's at the next look, every <see cref="LookEvery"/>.
/// </summary>
public sealed partial class NoticeBell : IDisposable
{
    private const string UnreadClass = "notice-unread";

    private IReadOnlyList<NoticeLine> _lines = [];
    private int _unread;
    private bool _open;
    private bool _ready;
    private string _companyId = "";
    private string _userId = "";
    private IDisposable? _subscription;
    private CancellationTokenSource? _looking;
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>The notices that were unread when the open list showed them.</summary>
    private readonly HashSet<string> _newWhileOpen = new(StringComparer.Ordinal);

    [Inject] private NoticeBoard Board { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private BrowserTime Time { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;
    [Inject] private IStringLocalizer<NoticeText> T { get; set; } = null!;

    /// <summary>How often notices are read again for what other instances stored (this instance's come at once).</summary>
    [Parameter] public TimeSpan LookEvery { get; set; } = TimeSpan.FromSeconds(15);

    private string? Badge => NoticeLine.Badge(_unread);

    private string BellName => NoticeLine.BellName(T, _unread);

    private string BellIcon => _unread > 0 ? Icons.Material.Filled.NotificationsActive : Icons.Material.Filled.Notifications;

    private static string? LineClass(NoticeLine line) => line.Unread ? UnreadClass : null;

    private static string Exact(DateTime utc) => BrowserTime.Exact(utc);

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("o", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        // Without a subject there is nobody to remember what was read for: no bell (never the case behind the admin policy).
        if (await Admin.UserIdAsync() is not { } userId)
            return;
        _userId = userId;
        _companyId = await Admin.CompanyIdAsync();
        _subscription = Board.Subscribe(_companyId, () => InvokeAsync(RefreshAsync));
        await LoadAsync();
        _ready = true;
        // Prerendering has no circuit to keep alive: the interactive render looks again.
        if (RendererInfo.IsInteractive)
        {
            _looking = new CancellationTokenSource();
            _ = LookAgainAsync(_looking.Token);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Times are shown in the admin's own zone once the browser has said it.
        if (await Time.ZoneArrivedAsync(firstRender))
            StateHasChanged();
    }

    private async Task RefreshAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    /// <summary>Reads the notices; while the list is open, what it shows is seen at once (a notice arriving then included).</summary>
    private async Task LoadAsync()
    {
        await _loading.WaitAsync();
        try
        {
            var list = await Board.RecentAsync(_companyId, _userId);
            _lines = [.. list.Notices.Select(n => NoticeLine.Of(n, T))];
            _unread = list.Unread;
            if (_open)
            {
                // A look while the list is open (a new notice, the periodic one) reads them as seen already: they keep
                // their mark until the list closes.
                _newWhileOpen.UnionWith(_lines.Where(l => l.Unread).Select(l => l.Id));
                _lines = [.. _lines.Select(l => _newWhileOpen.Contains(l.Id) ? l with { Unread = true } : l)];
                await MarkShownSeenAsync();
            }
            else
            {
                _newWhileOpen.Clear();
            }
        }
        catch (Exception e) when (StorageErrors.IsUnavailable(e))
        {
            // The database is out of reach for a moment: the bell keeps what it showed until the next look.
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Up to the newest notice shown; each keeps its "New" mark while the list stays open, so the admin sees which.</summary>
    private async Task MarkShownSeenAsync()
    {
        if (_unread == 0 || _lines.Count == 0)
            return;
        await Board.MarkSeenAsync(_companyId, _userId, _lines.Max(l => l.At));
        _unread = 0;
    }

    private async Task OpenChangedAsync(bool open)
    {
        _open = open;
        // Opening reads the latest and marks them seen; closing reads again, so the "New" marks of what was seen go.
        await LoadAsync();
    }

    private async Task LookAgainAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LookEvery, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await InvokeAsync(RefreshAsync);
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit is gone.
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _looking?.Cancel();
        _looking?.Dispose();
    }
}
