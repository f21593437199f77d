using System.Text.Json.Serialization;
using WebhookAdmin.Api;
using WebhookAdmin.Core.ContextDirectory;

namespace WebhookAdmin.Features.ContextDirectory;

/// <summary>One directory entry as the API answers it; <c>_id</c> as in every other shape of the platform.</summary>
public sealed record DirectoryEntryJson(
    [property: JsonPropertyName("_id")] string Id,
    string Kind,
    string Name,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime ModifiedAt)
{
    public static DirectoryEntryJson From(DirectoryEntry entry) => new(entry.Id, DirectoryKinds.NameOf(entry.Kind), entry.Name, entry.ModifiedAt);
}

/// <summary>PUT body. Unknown fields are refused, so a typo such as <c>title</c> is caught instead of storing nothing.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PutDirectoryEntryRequest(string? Name);
