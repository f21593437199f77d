using System.Globalization;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;

namespace WebhookAdmin.Tests.Logs;

public sealed class LogNotificationsTests
{
    [Fact]
    public async Task A_subscriber_is_called_in_its_own_culture_whoever_reports_the_change()
    {
        var notifications = new LogNotifications();
        var seen = new TaskCompletionSource<(string Culture, string UiCulture)>(TaskCreationOptions.RunContinuationsAsynchronously);
        IDisposable subscription;
        var before = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            // As an es-CL admin's circuit subscribes.
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es-CL");
            subscription = notifications.Subscribe("webhook", () =>
            {
                seen.TrySetResult((CultureInfo.CurrentCulture.Name, CultureInfo.CurrentUICulture.Name));
                return Task.CompletedTask;
            });
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = before;
        }

        // As the delivery writer reports a change, from a thread of its own in another culture.
        await Task.Run(() =>
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            notifications.Changed("webhook");
        });

        Assert.Equal(("es-CL", "es-CL"), await seen.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        subscription.Dispose();
    }

    [Fact]
    public async Task A_logs_tab_that_fails_to_refresh_is_logged_and_told_again_at_the_next_change()
    {
        var logs = new Operations.CapturedLogs();
        using var factory = new Microsoft.Extensions.Logging.LoggerFactory([logs]);
        var notifications = new LogNotifications(new Microsoft.Extensions.Logging.Logger<LogNotifications>(factory));
        var calls = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifications.Subscribe("webhook", () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
                throw new InvalidOperationException("the tab's refresh broke");
            second.TrySetResult();
            return Task.CompletedTask;
        });

        notifications.Changed("webhook");
        await Eventually.WaitAsync(() => logs.Messages.ToArray(), m => m.Any(line => line.Contains("the tab's refresh broke")), what: "the failure logged");
        await Task.Delay(LogNotifications.MinimumInterval * 2);
        notifications.Changed("webhook");

        await second.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains(logs.Messages, line => line.Contains("failed to refresh"));
    }
}
