using MudBlazor;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Components.UI;

namespace WebhookAdmin.Components.Tests.UI;

public sealed class ConfirmDialogTests : ComponentTest
{
    [Fact]
    public async Task Names_what_it_acts_on_and_answers_true_when_confirmed()
    {
        var answer = await AskAsync(() => ConfirmDialog.AskAsync(Get<IDialogService>(), "Deactivate 2 webhooks?", "They stop at once.", "Deactivate", ["CRM sync", "Billing"]));

        Dialogs.WaitForAssertion(() => Assert.Equal(["CRM sync", "Billing"], Dialogs.FindAll("[data-testid=confirm-items] li").Select(li => li.TextContent)));
        Assert.Contains("Deactivate 2 webhooks?", Dialogs.Markup);
        Assert.Contains("They stop at once.", Dialogs.Markup);
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Deactivate").Click();

        Assert.True(await answer.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Answers_false_when_cancelled_and_shows_no_list_without_items()
    {
        var answer = await AskAsync(() => ConfirmDialog.AskAsync(Get<IDialogService>(), "Resend 3 failed deliveries?", "Oldest first.", "Resend 3"));

        Dialogs.WaitForAssertion(() => Assert.Contains("Resend 3 failed deliveries?", Dialogs.Markup));
        Assert.Empty(Dialogs.FindAll("[data-testid=confirm-items]"));
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.False(await answer.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Starts the question on the renderer's thread and hands back the pending answer.</summary>
    private async Task<Task<bool>> AskAsync(Func<Task<bool>> ask)
    {
        Task<bool> answer = null!;
        await Dialogs.InvokeAsync(() => { answer = ask(); });
        return answer;
    }
}
