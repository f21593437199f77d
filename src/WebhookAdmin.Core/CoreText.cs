using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Core;

/// <summary>
/// Core's messages come from resources beside their feature (<c>Webhooks/WebhookText.resx</c> and its
/// <c>.es.resx</c>, …), read in the culture of whoever asks: an API request's (English unless it sends
/// <c>Accept-Language</c>) or an admin's circuit (the language the admin chose). The rules are static and run outside
/// dependency injection, so they take their localizers from here; the host reads the very same resources through
/// <c>IStringLocalizer&lt;T&gt;</c>. Stored values (codes, triggers, JSON) never go through these.
/// </summary>
public static class CoreText
{
    private static readonly ResourceManagerStringLocalizerFactory Factory =
        new(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance);

    /// <summary>The localizer of the resources named after <typeparamref name="TResource"/>.</summary>
    public static IStringLocalizer For<TResource>() => Factory.Create(typeof(TResource));
}
