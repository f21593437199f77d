using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using WebhookAdmin.Core.Events.Catalogue;
using WebhookAdmin.Features.Events;

namespace WebhookAdmin.Features.Webhooks.Settings;

/// <summary>
/// "What this trigger sends": the chosen trigger's event kinds (what each means, whether its example is documented or
/// ours, the example in the JSON viewer) and the main fields of its bodies. Follows the trigger as the admin changes it.
/// </summary>
public sealed partial class EventCatalogueSection
{
    private IReadOnlyList<EventCatalogueEntry> _entries = [];
    private IReadOnlyList<EventPath> _fields = [];
    private EventCatalogueEntry _shown = null!;
    private string? _trigger;
    private bool _expanded;

    [Inject] private IStringLocalizer<WebhooksText> T { get; set; } = null!;

    /// <summary>The trigger's value (<c>create-edit-delete-task</c>); nothing shows for none or an unknown one.</summary>
    [Parameter, EditorRequired] public string? Trigger { get; set; }

    protected override void OnParametersSet()
    {
        if (_trigger == Trigger)
            return;
        _trigger = Trigger;
        _entries = Trigger is null ? [] : EventCatalogue.For(Trigger);
        // The table lists the fields worth explaining; every other path is in the example and the schema.
        _fields = Trigger is null ? [] : [.. EventCatalogue.PathsFor(Trigger).Where(p => p.Description is not null)];
        _shown = _entries.Count > 0 ? _entries[0] : null!;
    }

    private string Help => T["CatalogueHelp", EventCatalogueApi.Path];

    private string ExampleJson => _shown.Example.GetRawText();

    private string SourceText => _shown.Source == ExampleSource.Documented ? T["CatalogueDocumented"] : T["CatalogueWritten"];

    private bool IsShown(EventCatalogueEntry entry) => ReferenceEquals(entry, _shown);

    private string Pressed(EventCatalogueEntry entry) => IsShown(entry) ? "true" : "false";

    private void Show(EventCatalogueEntry entry) => _shown = entry;
}
