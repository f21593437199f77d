using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Core.Filters;
using WebhookAdmin.Components.UI;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Filters;

/// <summary>The names the section's markup compares with, kept out of the <c>.razor</c> file.</summary>
public static class FilterFields
{
    public const string Path = "path";
    public const string Op = "op";
    public const string Value = "value";
    public const string Exists = "exists";
}

/// <summary>
/// The settings panel's payload filter: conditions as rows (or JSON, for nesting), tried on the webhook's last logged
/// events before it is saved. It saves on its own, like the endpoint authentication (its own resource in the API).
/// </summary>
public sealed partial class FilterSection
{
    public const string PathPlaceholder = "data.status";

    private FilterForm? _form;
    private IReadOnlyList<FilterTestRow>? _results;
    private string _companyId = "";
    private readonly StorageWork _work = new();
    private bool _expanded;
    private int _stored;

    [Inject] private PayloadFilterService Filters { get; set; } = null!;
    [Inject] private CurrentAdmin Admin { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IStringLocalizer<FiltersText> T { get; set; } = null!;

    [Parameter, EditorRequired] public string WebhookId { get; set; } = "";

    /// <summary>The trigger chosen in the panel (saved or not): paths are suggested from the events it sends.</summary>
    [Parameter] public string? Trigger { get; set; }

    /// <summary>The header says at a glance whether a filter is on, without unfolding the section.</summary>
    private string Title => _stored switch
    {
        0 => T["SectionTitle"],
        1 => T["SectionTitleOnOne"],
        _ => T["SectionTitleOn", _stored],
    };

    protected override async Task OnInitializedAsync()
    {
        _companyId = await Admin.CompanyIdAsync();
        if (await Filters.GetAsync(_companyId, WebhookId) is FilterOutcome.Saved saved)
            Show(saved.Filter);
    }

    private void Show(PayloadFilter? filter)
    {
        _form = FilterForm.From(filter);
        _stored = filter?.Conditions ?? 0;
    }

    private Task<IEnumerable<string>> SearchPathsAsync(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(FilterPaths.Suggest(Trigger, text));

    private string PathItem(string path) => FilterPaths.Describe(Trigger, path) is { } type ? T["PathItem", path, type] : path;

    private string OperatorLabel(string op) => T["Op_" + op];

    private string ValueHelp(FilterRow row) => row.Op switch
    {
        "in" => T["ValueHelpList"],
        "startsWith" or "contains" => T["ValueHelpText"],
        _ => T["ValueHelp"],
    };

    private void SetJsonMode(bool json)
    {
        if (_form is null)
            return;
        if (json)
            _form.ShowJson();
        else
            _form.ShowRows();
    }

    private async Task TestAsync()
    {
        if (_form is null)
            return;
        PayloadFilter? filter = null;
        if (!_form.IsEmpty)
        {
            var parse = _form.Check();
            if (!parse.IsValid)
                return;
            filter = parse.Filter;
        }
        await RunAsync(async () => _results = await Filters.TestAsync(_companyId, WebhookId, filter) ?? []);
    }

    private async Task SaveAsync()
    {
        if (_form is null)
            return;
        if (_form.IsEmpty)
        {
            await RunAsync(async () =>
            {
                if (await Filters.RemoveAsync(_companyId, WebhookId))
                {
                    Show(null);
                    Snackbar.Add(T["Removed"], Severity.Success);
                }
                else
                    Snackbar.Add(T["WebhookGone"], Severity.Error);
            });
            return;
        }
        var parse = _form.Check();
        if (!parse.IsValid)
            return;
        await RunAsync(async () =>
        {
            switch (await Filters.SaveAsync(_companyId, WebhookId, parse.Filter!.ToJson()))
            {
                case FilterOutcome.Saved saved:
                    var jsonMode = _form.JsonMode;
                    Show(saved.Filter);
                    if (jsonMode && !_form.JsonMode)
                        _form.ShowJson();
                    Snackbar.Add(T["Saved"], Severity.Success);
                    break;
                case FilterOutcome.Invalid invalid:
                    _form.ShowErrors(invalid.Errors);
                    break;
                default:
                    Snackbar.Add(T["WebhookGone"], Severity.Error);
                    break;
            }
        });
    }

    private Task RunAsync(Func<Task> work) => _work.RunAsync(work, Snackbar, e => T["NotSaved", e.Message]);
}
