using System.Text.Json;
using Json.Schema;

namespace WebhookAdmin.Tests.Catalogue;

/// <summary>Checks a body against a catalogue schema with a real JSON Schema validator (formats included), not with our own reading of it.</summary>
internal static class BodySchema
{
    /// <returns>The validator's errors, "at: message"; none when the body is valid.</returns>
    public static IReadOnlyList<string> Errors(JsonElement schema, JsonElement body)
    {
        // A registry per check: schemas without $id would otherwise collide in the global one.
        var built = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://webhookadmin.test/schemas/{Guid.NewGuid():N}"));
        var results = built.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
            return [];
        var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).ToList();
        return errors.Count > 0 ? errors : ["invalid"];
    }
}
