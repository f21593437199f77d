using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using WebhookAdmin.Core;

namespace WebhookAdmin.Api;

/// <summary>
/// Names <c>ApiText.resx</c>: the API's problem titles, details and field messages. They are read in the request's
/// culture, which for <c>/api</c> is English unless the request sends <c>Accept-Language</c> (see
/// <see cref="Localization.Languages.ForApi"/>); the field keys (<c>errors.name</c>, …) never change.
/// </summary>
public sealed class ApiText
{
    /// <summary>For the static problem helpers, which run in the request's culture like everything in a handler.</summary>
    internal static IStringLocalizer Localizer { get; } = CoreText.For<ApiText>();

    private static readonly string DefaultValidationTitle = new HttpValidationProblemDetails().Title!;

    private ApiText()
    {
    }

    /// <summary>
    /// ASP.NET Core titles problems it writes itself (401 from the sign-in check, 404 from status-code pages, a validation
    /// problem's "One or more validation errors occurred."); those default titles are said in the request's language too.
    /// Titles the API set itself are already.
    /// </summary>
    public static void LocalizeDefaultTitle(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var key = problem.Title == DefaultValidationTitle ? "ValidationTitle"
            : problem.Status is { } status && problem.Title == ReasonPhrases.GetReasonPhrase(status) ? $"Status{status}"
            : problem.Status == StatusCodes.Status500InternalServerError ? "Status500"
            : null;
        if (key is not null && Localizer[key] is { ResourceNotFound: false } title)
            problem.Title = title;
    }
}
