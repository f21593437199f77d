using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using WebhookAdmin.Core.Filters;
using WebhookAdmin.Features.Logs;

namespace WebhookAdmin.Features.Filters;

public sealed partial class FilterTestResults
{
    public const string SendVerdict = "send";
    public const string SkipVerdict = "skip";

    [Inject] private BrowserTime Time { get; set; } = null!;
    [Inject] private IStringLocalizer<FiltersText> T { get; set; } = null!;

    [Parameter, EditorRequired] public IReadOnlyList<FilterTestRow> Rows { get; set; } = [];

    private int Sends => Rows.Count(r => r.WouldSend);

    /// <summary>For tests and styles: the same in every language.</summary>
    private static string Verdict(FilterTestRow row) => row.WouldSend ? SendVerdict : SkipVerdict;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (await Time.ZoneArrivedAsync(firstRender))
            StateHasChanged();
    }
}
