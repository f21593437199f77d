using System.Globalization;
using WebhookAdmin.Core.Logs;

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
}
