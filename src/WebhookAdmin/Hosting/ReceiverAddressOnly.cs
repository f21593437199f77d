using System.Diagnostics;
using OpenTelemetry;

namespace WebhookAdmin.Hosting;

/// <summary>
/// Cuts every outgoing request's URL in a span down to its origin (<c>https://host:port/</c>) before any exporter sees it.
/// A receiver's webhook URL often carries its secret in the path or query, and traces go to a collector that
/// operators, not the company, can read. HttpClient (System.Net.Http on .NET 9+) records <c>url.full</c> with the path,
/// and only redacts the query's values; registered before the exporters, this runs first at a span's end.
/// </summary>
public sealed class ReceiverAddressOnly : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url", "url.original"];
    private static readonly string[] PathTags = ["url.path", "url.query", "http.target"];

    public override void OnStart(Activity data) => Redact(data);

    public override void OnEnd(Activity data) => Redact(data);

    private static void Redact(Activity activity)
    {
        if (activity.Kind != ActivityKind.Client)
            return;
        foreach (var name in UrlTags)
        {
            if (activity.GetTagItem(name) is { } value)
                activity.SetTag(name, Origin(value.ToString()));
        }
        foreach (var name in PathTags)
        {
            if (activity.GetTagItem(name) is not null)
                activity.SetTag(name, null);
        }
    }

    /// <summary>The scheme, host and port of <paramref name="url"/>; nothing at all when it cannot be read as an absolute URL.</summary>
    public static string? Origin(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) + "/" : null;
}
