using WebhookAdmin.Core.Events.Catalogue;

namespace WebhookAdmin.Features.Filters;

/// <summary>
/// The paths the filter editor suggests: those of the trigger's events in the event catalogue that a filter can
/// address (<c>type</c>, <c>event</c> and everything under <c>data</c>), matched on what has been typed so far.
/// </summary>
public static class FilterPaths
{
    public static IEnumerable<string> Suggest(string? trigger, string? typed)
    {
        var text = typed?.Trim() ?? "";
        return Of(trigger)
            .Where(p => p.Path.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Path);
    }

    /// <summary>The path's JSON type in the catalogue ("string", "number"…); null for a path it does not list.</summary>
    public static string? Describe(string? trigger, string path) => Of(trigger).FirstOrDefault(p => p.Path == path)?.JsonType;

    private static IEnumerable<EventPath> Of(string? trigger) => string.IsNullOrEmpty(trigger)
        ? []
        : EventCatalogue.PathsFor(trigger).Where(p => p.Path is "type" or "event" || p.Path.StartsWith("data.", StringComparison.Ordinal));
}
