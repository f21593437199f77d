namespace WebhookAdmin.Core.Notices;

/// <summary>
/// One operational event as the app bar lists it for the company's admins (what the operations webhooks receive, kept
/// for <see cref="NoticeOptions.KeepFor"/>). <see cref="Data"/> is the event's <c>data</c> as sent.
/// </summary>
public sealed class Notice
{
    public required string Id { get; init; }

    public required string CompanyId { get; init; }

    /// <summary>One of <see cref="NoticeKinds.All"/>.</summary>
    public required string Kind { get; init; }

    public required string WebhookId { get; init; }

    public required string Data { get; set; }

    /// <summary>When it last happened: a run of <c>delivery.exhausted</c> of one webhook is one notice, moved up at each.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>How many times it happened in this notice (above 1 only for <c>delivery.exhausted</c>).</summary>
    public int Count { get; set; } = 1;
}

/// <summary>Up to when an admin has seen the company's notices: the ones after it are unread.</summary>
public sealed class NoticeRead
{
    public required string CompanyId { get; init; }

    /// <summary>The admin's subject (<c>sub</c> claim) at the identity provider.</summary>
    public required string UserId { get; init; }

    public DateTime SeenUpTo { get; set; }
}
