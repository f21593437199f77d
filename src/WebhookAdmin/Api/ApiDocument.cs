using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using WebhookAdmin.Features.Events;
using WebhookAdmin.Features.Webhooks;

namespace WebhookAdmin.Api;

/// <summary>
/// The API's OpenAPI document (<c>/openapi/v1.json</c>) and its browsable reference (<c>/api/docs</c>), both anonymous:
/// they describe the API, they open nothing. A test checks every endpoint's real answers against this document.
/// </summary>
public static class ApiDocument
{
    public const string SchemeName = "Bearer";

    /// <summary>A webhook's receiver key, accepted by the catch-up API only.</summary>
    public const string ReceiverKeySchemeName = "ReceiverKey";

    /// <summary>Bodies read by the endpoints themselves (to name a bad field precisely), so not known to the generator.</summary>
    private static readonly Dictionary<string, Type[]> RequestBodies = new()
    {
        ["CreateWebhook"] = [typeof(CreateWebhookRequest)],
        ["UpdateWebhook"] = [typeof(UpdateWebhookRequest)],
        ["PublishEvent"] = [typeof(PublishEventRequest), typeof(PublishEventRequest[])],
        ["PutDirectoryEntry"] = [typeof(Features.ContextDirectory.PutDirectoryEntryRequest)],
        [Features.EndpointAuth.EndpointAuthApi.PutOperationId] = [typeof(Features.EndpointAuth.PutEndpointAuthRequest)],
        // Read as JSON so every broken rule is named; documented as the shape GET answers, which a PUT takes back.
        [Features.Filters.FilterApi.PutOperationId] = [typeof(Features.Filters.FilterJson)],
        [Features.Filters.FilterApi.TestOperationId] = [typeof(Features.Filters.FilterJson)],
        [Features.Recovery.RecoveryApi.StartOperationId] = [typeof(Features.Recovery.StartRecoveryRequest)],
    };

    /// <summary>The bodies receivers get, linked from the document and from the operations that send or publish one.</summary>
    private static OpenApiExternalDocs EventCatalogueLink => new()
    {
        Description = "The event catalogue: a JSON Schema and an example of every body a webhook receives, per trigger and event.",
        Url = new Uri(EventCatalogueApi.Path, UriKind.Relative),
    };

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v3/webhook/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "WebhookAdmin API",
                    Version = "v3",
                    Description = "A company's outgoing webhooks (COTWebhook), their delivery logs (COTWebhookLog), publishing events (COTEvent) and the directory of workflow, survey and group names the admin's pickers show. " +
                        "Every call needs an access token of an admin or API client of the company (Authorization: Bearer); errors are RFC 9457 problem details. " +
                        $"What each trigger sends (a JSON Schema and an example of every body) is served at GET {EventCatalogueApi.Path}.",
                };
                document.ExternalDocs = EventCatalogueLink;
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [SchemeName] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "An access token from your OpenID Connect provider (client credentials for platforms), with the company claim and the admin role.",
                    },
                    [ReceiverKeySchemeName] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "whrk_…",
                        Description = "A webhook's receiver key (POST subscription/{id}/receiver-key): read-only access to that webhook's deliveries through GET subscription/{id}/deliveries, and nothing else.",
                    },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
                return Task.CompletedTask;
            });
            // A property written only when it has a value (JsonIgnore WhenWritingNull) is optional, whatever its
            // constructor parameter says: a batch item carries `id` or `errors`, never both.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (schema is OpenApiSchema { Required.Count: > 0 } optional)
                {
                    foreach (var property in context.JsonTypeInfo.Properties)
                    {
                        if (property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
                                .OfType<JsonIgnoreAttribute>().Any(a => a.Condition == JsonIgnoreCondition.WhenWritingNull) == true)
                            optional.Required!.Remove(property.Name);
                    }
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (operation.OperationId is { } id && RequestBodies.TryGetValue(id, out var types))
                {
                    var schemas = new List<IOpenApiSchema>();
                    foreach (var type in types)
                        schemas.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        // Trying the stored filter needs no body.
                        Required = id != Features.Filters.FilterApi.TestOperationId,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = schemas.Count == 1 ? schemas[0] : new OpenApiSchema { OneOf = schemas } },
                        },
                    };
                }
                if (operation.OperationId is "PublishEvent" or "SendTestEvent")
                    operation.ExternalDocs = EventCatalogueLink;
                if (operation.OperationId == Features.Receivers.CatchUpApi.OperationId && context.Document is { } document)
                {
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ReceiverKeySchemeName, document)] = [] },
                    ];
                }
                // Every call can meet these, whatever the endpoint.
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No access token, or one that is not valid." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token is not an admin's of a company." });
                var problemSchema = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, cancellationToken);
                Dictionary<string, OpenApiMediaType> Problem() => new() { ["application/problem+json"] = new() { Schema = problemSchema } };
                operation.Responses.TryAdd("429", new OpenApiResponse
                {
                    Description = "The company's rate limit is reached; Retry-After says when to try again.",
                    Content = Problem(),
                });
                operation.Responses.TryAdd("503", new OpenApiResponse
                {
                    Description = "The database is unavailable (restarting, unreachable, locked or full); Retry-After says when to try again.",
                    Content = Problem(),
                });
            });
        });

    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", options => options
                .WithTitle("WebhookAdmin API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        return app;
    }
}
