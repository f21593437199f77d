using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core;

namespace WebhookAdmin.Api;

/// <summary>The API's shared ways to read input and to say precisely which field was wrong (RFC 9457 problem details).</summary>
internal static partial class ApiProblems
{
    private static readonly Microsoft.Extensions.Localization.IStringLocalizer Text = ApiText.Localizer;

    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static NotFoundProblem WebhookNotFound(string id) => NotFound("Webhook", id);

    /// <summary>503 with <c>Retry-After</c>: the database could not take the request in time (restarting, unreachable, locked, full).</summary>
    public static ProblemHttpResult StorageUnavailable(HttpResponse response)
    {
        var seconds = (int)Core.Storage.StorageUnavailableException.RetryAfter.TotalSeconds;
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: Text["StorageUnavailableTitle"], detail: Text["StorageUnavailableDetail", seconds]);
    }

    public static NotFoundProblem LogNotFound(string id) => NotFound("Log", id);

    public static NotFoundProblem RecoveryJobNotFound(string id) => NotFound("RecoveryJob", id);

    /// <summary><paramref name="what"/> picks the pair of messages: <c>WebhookNotFoundTitle</c> and <c>WebhookNotFoundDetail</c>, …</summary>
    private static NotFoundProblem NotFound(string what, string id) => new(Text[what + "NotFoundTitle"], Text[what + "NotFoundDetail", id]);

    /// <summary>The route id as stored, or a problem naming <c>id</c> when it is not an ObjectId.</summary>
    public static bool TryReadId(string id, out string normalized, out ValidationProblem? problem)
    {
        if (ObjectId.IsValid(id))
        {
            normalized = ObjectId.Normalize(id);
            problem = null;
            return true;
        }
        normalized = "";
        problem = Field("id", Text["IdMalformed"]);
        return false;
    }

    /// <summary>A webhook's settings: a URL of 2,048 characters, a name, a description and a context fit many times over.</summary>
    public const int WebhookBodyLimit = 64 * 1024;

    /// <summary>A directory entry: a name of at most 200 characters.</summary>
    public const int DirectoryBodyLimit = 4 * 1024;

    /// <summary>
    /// Reads a JSON body of at most <paramref name="maxBytes"/> (announced or chunked: Kestrel stops reading past it, so a
    /// careless caller cannot make the app buffer megabytes); a malformed one becomes a problem that names the offending
    /// field by its JSON path, a larger one 413.
    /// </summary>
    public static async Task<JsonBody<T>> ReadJsonAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
            return new(null, NotJson: UnsupportedMediaType());
        if (request.ContentLength > maxBytes)
            return new(null, TooLarge: BodyTooLarge(maxBytes));
        LimitBody(request, maxBytes);
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken);
            return body is null ? new(null, Invalid: Field("body", Text["BodyRequired"])) : new(body);
        }
        catch (JsonException e)
        {
            return new(null, Invalid: DescribeJsonError(e));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, TooLarge: BodyTooLarge(maxBytes));
        }
    }

    /// <summary>Kestrel stops reading the body past <paramref name="maxBytes"/> (a <see cref="BadHttpRequestException"/> with 413).</summary>
    public static void LimitBody(HttpRequest request, long maxBytes)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = maxBytes;
    }

    public static TooLargeProblem BodyTooLarge(int limit) => TooLarge(Text["BodyTooLarge", limit], setting: null, limit);

    /// <summary>413 with the limit (and the setting that holds it, when one does), so a caller knows what to shrink or split.</summary>
    public static TooLargeProblem TooLarge(string detail, string? setting, int limit) =>
        new(Text["TooLargeTitle"], detail,
            setting is null
                ? new Dictionary<string, object?> { ["limit"] = limit }
                : new Dictionary<string, object?> { ["limit"] = limit, ["setting"] = setting });

    private static ValidationProblem DescribeJsonError(JsonException e)
    {
        var (field, message) = JsonErrorField(e);
        return Field(field, message);
    }

    /// <summary>The field a deserialization error is about (by its JSON path, <c>body</c> for the whole) and what is wrong with it.</summary>
    public static (string Field, string Message) JsonErrorField(JsonException e)
    {
        if (UnmappedProperty().Match(e.Message) is { Success: true } unmapped)
        {
            // A field inside an object is named by its whole path (context.workflow), like the other field errors.
            var name = unmapped.Groups[1].Value;
            var at = e.Path is null or "$" ? "" : e.Path.TrimStart('$', '.');
            var field = at.Length == 0 ? name : at == name || at.EndsWith("." + name, StringComparison.Ordinal) ? at : $"{at}.{name}";
            return (field, Text["UnknownField"]);
        }
        var path = e.Path is null or "$" ? "body" : e.Path.TrimStart('$', '.');
        return (path, path == "body" ? Text["BodyNotJson"] : Text["ValueMalformed"]);
    }

    public static UnsupportedMediaTypeProblem UnsupportedMediaType() => new(Text["UnsupportedMediaTypeTitle"], Text["UnsupportedMediaTypeDetail"]);

    [GeneratedRegex("JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}

/// <summary>
/// A JSON body as <see cref="ApiProblems.ReadJsonAsync{T}"/> read it: its value, or the one problem that stopped it, each
/// by its own type so the endpoint returning it declares that answer.
/// </summary>
internal sealed record JsonBody<T>(T? Value, UnsupportedMediaTypeProblem? NotJson = null, TooLargeProblem? TooLarge = null, ValidationProblem? Invalid = null)
    where T : class;

internal static class ApiFallback
{
    /// <summary>
    /// Any other path under /api answers as an API does (401 without a token, 404 ProblemDetails with one) instead
    /// of falling to the admin UI's fallback policy, which would redirect a script to a sign-in page.
    /// </summary>
    public static IEndpointConventionBuilder MapApiFallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map("/api/{**path}", (string? path) => TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: ApiText.Localizer["NoSuchEndpointTitle"], detail: ApiText.Localizer["NoSuchEndpointDetail", path ?? ""]))
            .RequireAuthorization(Identity.AdminPolicies.ApiAdmin)
            .ExcludeFromDescription();
}

/// <summary><c>?page=&amp;limit=</c>, parsed once for every paged endpoint.</summary>
internal readonly record struct Paging(int Page, int Limit)
{
    public static bool TryRead(string? page, string? limit, int defaultLimit, int maxLimit, out Paging paging, out ValidationProblem? problem)
    {
        var errors = new Dictionary<string, string[]>();
        var pageNumber = 1;
        var size = defaultLimit;
        if (page is not null && (!int.TryParse(page, out pageNumber) || pageNumber < 1))
            errors["page"] = [ApiText.Localizer["PageInvalid"]];
        if (limit is not null && (!int.TryParse(limit, out size) || size < 1 || size > maxLimit))
            errors["limit"] = [ApiText.Localizer["LimitInvalid", maxLimit]];
        paging = new Paging(pageNumber, size);
        problem = errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
        return problem is null;
    }
}
