using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks;

namespace WebhookAdmin.Components.Tests.Webhooks;

public sealed class WebhooksPageTests : ComponentTest
{
    private WebhookService Webhooks => Get<WebhookService>();

    [Fact]
    public async Task Lists_the_company_webhooks_with_name_trigger_label_url_and_state()
    {
        await Webhooks.CreateAsync(Acme, new WebhookDraft("Work Orders Update", "https://www.server.com", WebhookTrigger.Task, new WebhookContext("", "", "6261612a8f1e99002e5c8cce")));
        var logout = (WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft("Sessions", "https://sessions.example/hook", WebhookTrigger.LogoutUser));
        await Webhooks.SetActiveAsync(Acme, logout.Webhook.Id, false);

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr").Select(r => r.TextContent.Trim()).ToList();
            Assert.Equal(2, rows.Count);
            Assert.Contains("Sessions", rows[0]);
            Assert.Contains("User Logout", rows[0]);
            Assert.Contains("Disabled", rows[0]);
            Assert.Contains("Work Orders Update", rows[1]);
            Assert.Contains("Create/Edit/Remove Task", rows[1]);
            Assert.Contains("https://www.server.com", rows[1]);
            Assert.Contains("Active", rows[1]);
        });
    }

    [Fact]
    public async Task Shows_nothing_of_another_company()
    {
        await Webhooks.CreateAsync(Globex, new WebhookDraft("Globex only", "https://globex.example/hook", WebhookTrigger.User));

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("No webhooks yet", page.Markup));
        Assert.DoesNotContain("Globex only", page.Markup);
    }

    [Fact]
    public void Renders_in_a_table_with_the_documented_columns()
    {
        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal(["Name", "Trigger", "Url", "State"], page.FindAll("thead th").Select(th => th.TextContent.Trim())));
    }
}
