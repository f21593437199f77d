using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace WebhookAdmin.Api;

/// <summary>
/// A problem details answer whose status is part of its type. <see cref="ProblemHttpResult"/> only knows its status when it
/// runs, so an endpoint returning it declares nothing; one returning <c>Results&lt;…, NotFoundProblem&gt;</c> declares its
/// 404 (<c>application/problem+json</c>, <see cref="ProblemDetails"/>) to the OpenAPI document by its signature alone.
/// The answer itself is the <see cref="ProblemHttpResult"/> it wraps, byte for byte.
/// </summary>
public abstract class StatusProblem : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    private readonly ProblemHttpResult _problem;

    private protected StatusProblem(int statusCode, string? title, string? detail, IDictionary<string, object?>? extensions) =>
        _problem = TypedResults.Problem(statusCode: statusCode, title: title, detail: detail, extensions: extensions);

    public ProblemDetails ProblemDetails => _problem.ProblemDetails;

    public int StatusCode => _problem.StatusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => _problem.ContentType;

    object? IValueHttpResult.Value => ProblemDetails;

    ProblemDetails? IValueHttpResult<ProblemDetails>.Value => ProblemDetails;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    /// <summary>What <c>.ProducesProblem(statusCode)</c> declares, so the document reads as it did when it was written by hand.</summary>
    private protected static void Declare(EndpointBuilder builder, int statusCode) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(statusCode, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>404: the webhook, log or directory entry named in the path is not the caller's company's (or does not exist).</summary>
public sealed class NotFoundProblem(string? title, string? detail) : StatusProblem(StatusCodes.Status404NotFound, title, detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status404NotFound);
}

/// <summary>409: the change cannot be made in the resource's present state (a stale <c>__v</c>, a delivery still in progress).</summary>
public sealed class ConflictProblem(string? title, string? detail, IDictionary<string, object?>? extensions = null)
    : StatusProblem(StatusCodes.Status409Conflict, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status409Conflict);
}

/// <summary>413: the body is over the endpoint's limit; the extensions name the limit (and the setting holding it).</summary>
public sealed class TooLargeProblem(string? title, string? detail, IDictionary<string, object?> extensions)
    : StatusProblem(StatusCodes.Status413PayloadTooLarge, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status413PayloadTooLarge);
}

/// <summary>415: the body is not declared as JSON.</summary>
public sealed class UnsupportedMediaTypeProblem(string? title, string? detail)
    : StatusProblem(StatusCodes.Status415UnsupportedMediaType, title, detail, null), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status415UnsupportedMediaType);
}

/// <summary>410: what was asked for is no longer held (log retention); the extensions say what still is.</summary>
public sealed class GoneProblem(string? title, string? detail, IDictionary<string, object?> extensions)
    : StatusProblem(StatusCodes.Status410Gone, title, detail, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status410Gone);
}
