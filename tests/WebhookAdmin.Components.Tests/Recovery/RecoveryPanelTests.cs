using AngleSharp.Dom;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Recovery;

namespace WebhookAdmin.Components.Tests.Recovery;

public sealed class RecoveryPanelTests : ComponentTest
{
    private Webhook _webhook = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var outcome = await Get<WebhookService>().CreateAsync(Acme, new WebhookDraft("Users", "https://receiver.example/hook", WebhookTrigger.User));
        _webhook = ((WebhookOutcome.Saved)outcome).Webhook;
        // Two deliveries that failed for good (three attempts each).
        var deliveries = new Deliveries(Context.Services);
        for (var n = 1; n <= 2; n++)
        {
            await deliveries.PublishUserEditAsync(Acme, new { n });
            for (var attempt = 0; attempt < 3; attempt++)
                await deliveries.AttemptAsync(_webhook.Id, 500, "down");
        }
    }

    [Fact]
    public async Task A_recovery_started_from_the_panel_shows_its_progress_live_until_it_is_done()
    {
        var panel = RenderPanel();
        Button(panel, "Resend failed since…").Click();
        Button(panel, "Start recovery").Click();

        panel.WaitForAssertion(() => Assert.Contains("0 of 2 back in the queue", Status(panel)));
        Assert.Equal("running", panel.Find("[data-testid=recovery-progress]").GetAttribute("data-state"));
        var worker = Get<RecoveryWorker>();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            panel.WaitForAssertion(() => Assert.StartsWith("Recovery done: 2 of 2 deliveries failed since", Status(panel)));
            Assert.Equal("100", panel.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
            Assert.Empty(panel.FindAll("[data-testid=recovery-cancel]"));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Cancel_stops_a_running_recovery_and_says_how_far_it_got()
    {
        var panel = RenderPanel();
        Button(panel, "Resend failed since…").Click();
        Button(panel, "Start recovery").Click();
        panel.WaitForAssertion(() => Assert.Contains("0 of 2", Status(panel)));

        Button(panel, "Cancel recovery").Click();

        panel.WaitForAssertion(() => Assert.StartsWith("Recovery cancelled: 0 of 2", Status(panel)));
        Assert.Equal("cancelled", panel.Find("[data-testid=recovery-progress]").GetAttribute("data-state"));
        Assert.Single(panel.FindAll("[data-testid=recovery-open]"));
    }

    [Fact]
    public void A_start_time_in_the_future_is_refused_under_the_field_and_starts_nothing()
    {
        var panel = RenderPanel();
        Button(panel, "Resend failed since…").Click();
        panel.Find("input[type=datetime-local]").Change("2999-01-01T00:00");

        Button(panel, "Start recovery").Click();

        panel.WaitForAssertion(() => Assert.Contains("since is in the future", panel.Find("[data-testid=recovery-form]").TextContent));
        Assert.Empty(panel.FindAll("[data-testid=recovery-progress]"));
    }

    [Fact]
    public async Task The_webhooks_latest_recovery_is_shown_on_opening()
    {
        var started = await Get<RecoveryJobs>().StartAsync(Acme, _webhook.Id, DateTime.UtcNow.AddHours(-1));
        Assert.IsType<RecoveryStart.Started>(started);

        var panel = RenderPanel();

        panel.WaitForAssertion(() => Assert.Contains("0 of 2", Status(panel)));
        Assert.Empty(panel.FindAll("[data-testid=recovery-open]"));
        Assert.Single(panel.FindAll("[data-testid=recovery-cancel]"));
    }

    [Fact]
    public void In_Spanish_the_panel_speaks_Spanish()
    {
        Culture = "es";
        var panel = RenderPanel();
        Button(panel, "Reenviar fallidos desde…").Click();
        Assert.Contains("Los envíos correctos nunca se reenvían.", panel.Find("[data-testid=recovery-form]").TextContent);

        Button(panel, "Iniciar recuperación").Click();

        panel.WaitForAssertion(() => Assert.Contains("0 de 2 de vuelta en la cola", Status(panel)));
        Assert.Equal("Progreso de la recuperación", panel.Find("[role=progressbar]").GetAttribute("aria-label"));
    }

    private IRenderedComponent<RecoveryPanel> RenderPanel() =>
        Render<RecoveryPanel>(p => p.Add(x => x.WebhookId, _webhook.Id).Add(x => x.PollEvery, TimeSpan.FromMilliseconds(50)));

    private static string Status(IRenderedComponent<RecoveryPanel> panel) => panel.Find("[data-testid=recovery-status]").TextContent.Trim();

    private static IElement Button(IRenderedComponent<RecoveryPanel> panel, string text) =>
        panel.FindAll("button").Single(b => b.TextContent.Trim() == text);
}
