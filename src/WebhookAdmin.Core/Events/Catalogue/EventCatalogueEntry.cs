using System.Text.Json;

namespace WebhookAdmin.Core.Events.Catalogue;

/// <summary>Where an example body comes from, so a reader knows which ones the product documents vouch for.</summary>
public enum ExampleSource
{
    /// <summary>Copied from the product documents (the COTTask sample of the COTWebhookLog page).</summary>
    Documented,

    /// <summary>Written by WebhookAdmin in the spirit of the documented sample.</summary>
    Written,
}

/// <summary>
/// What one trigger sends for one event name: the whole body a receiver gets (company, type, extraData, createdAt, data,
/// event) as a JSON Schema (draft 2020-12, English descriptions) and as an example.
/// </summary>
public sealed record EventCatalogueEntry(string Trigger, string Type, string Event, ExampleSource Source, JsonElement Schema, JsonElement Example)
{
    /// <summary>The resource key of <see cref="Description"/> (<c>Kind_COTTask_create</c>).</summary>
    public string DescriptionKey => $"Kind_{Type}_{Event}";

    /// <summary>When this event is sent, in the current UI language.</summary>
    public string Description => EventCatalogueText.Localizer[DescriptionKey];
}

/// <summary>
/// A field of the body, dot-separated from its root (<c>data.name.display</c>; an array is its own path, without an index),
/// with its JSON type (<c>string</c>, <c>string|null</c>) and, for the main fields, what it holds in the current UI language.
/// </summary>
public sealed record EventPath(string Path, string JsonType, string? Description);
