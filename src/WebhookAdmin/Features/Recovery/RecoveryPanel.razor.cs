using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Recovery;

/// <summary>
/// The Logs tab's "Resend failed since…": a start time, then the job's progress read again every <see cref="PollEvery"/>
/// while it runs and the tab is shown, with a Cancel button. The webhook's latest job is shown on opening, so an admin
/// coming back finds the recovery they started (here or on another instance) and how it ended.
/// </summary>
public sealed partial class RecoveryPanel : IDisposable
{
    private RecoveryJob? _job;
    private bool _formOpen;
    private string? _since;
    private string? _error;
    private readonly StorageWork _work = new();
    private string _companyId = "";
    private CancellationTokenSource? _watching;

    [Inject] private RecoveryJobs Jobs { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private BrowserTime Time { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;
    [Inject] private IOptions<RecoveryOptions> Options { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IStringLocalizer<RecoveryPanelText> T { get; set; } = null!;

    [Parameter, EditorRequired] public string WebhookId { get; set; } = "";

    /// <summary>How often a running job is read again: about as often as an admin's eye checks a progress bar.</summary>
    [Parameter] public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(1);

    private bool IsRunning => _job?.State == RecoveryState.Running;

    private int MaxDeliveries => Options.Value.MaxDeliveries;

    protected override async Task OnInitializedAsync()
    {
        _companyId = await Admin.CompanyIdAsync();
        _job = await Jobs.LatestAsync(_companyId, WebhookId);
        Watch();
    }

    private void Open()
    {
        // A day back is where most outages of a receiver start to be noticed; the admin changes it at will.
        _since ??= Time.ToLocalInput(Clock.GetUtcNow().UtcDateTime.AddDays(-1));
        _error = null;
        _formOpen = true;
    }

    private void Close() => _formOpen = false;

    private async Task StartAsync()
    {
        if (Time.FromLocalInput(_since) is not { } since)
        {
            _error = T["SinceRequired"];
            return;
        }
        if (Jobs.CheckSince(since) is { } tooLate)
        {
            _error = tooLate;
            return;
        }
        _error = null;
        await WhileBusyAsync(async () =>
        {
            switch (await Jobs.StartAsync(_companyId, WebhookId, since))
            {
                case RecoveryStart.Started started:
                    _job = started.Job;
                    _formOpen = false;
                    break;
                case RecoveryStart.AlreadyRunning running:
                    _job = running.Job;
                    _formOpen = false;
                    Snackbar.Add(running.Reason, Severity.Warning);
                    break;
                case RecoveryStart.Refused refused:
                    Snackbar.Add(refused.Reason, Severity.Warning);
                    break;
                default:
                    Snackbar.Add(T["WebhookGone"], Severity.Error);
                    break;
            }
            Watch();
        });
    }

    private Task CancelJobAsync() => WhileBusyAsync(async () =>
    {
        if (_job is { } job)
            _job = await Jobs.CancelAsync(_companyId, WebhookId, job.Id) ?? job;
    });

    private Task WhileBusyAsync(Func<Task> action) => _work.RunAsync(action, Snackbar, _ => T["StorageUnavailable"]);

    /// <summary>Reads a running job again and again until it ends (or the tab closes); one watcher at a time.</summary>
    private void Watch()
    {
        if (!IsRunning || _watching is not null)
            return;
        _watching = new CancellationTokenSource();
        _ = WatchAsync(_watching);
    }

    private async Task WatchAsync(CancellationTokenSource watching)
    {
        using var timer = new PeriodicTimer(PollEvery, Clock);
        try
        {
            while (IsRunning && await timer.WaitForNextTickAsync(watching.Token))
            {
                try
                {
                    if (_job is { } job && await Jobs.GetAsync(_companyId, WebhookId, job.Id, watching.Token) is { } now)
                        _job = now;
                }
                catch (Exception e) when (StorageErrors.IsUnavailable(e))
                {
                    // The database is out of reach for a moment: the next tick reads again.
                }
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The tab closed.
        }
        finally
        {
            if (_watching == watching)
                _watching = null;
            watching.Dispose();
        }
    }

    public void Dispose() => _watching?.Cancel();
}
