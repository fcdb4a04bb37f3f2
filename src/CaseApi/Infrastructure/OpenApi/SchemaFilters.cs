using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// A nullable property whose type is a schema of its own (an enum, a nested object) is a bare <c>$ref</c>, which
/// cannot say "or null"; without this, the document forbids the nulls the API sends.
/// </summary>
internal sealed class NullableReferencesSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties })
        {
            return;
        }

        // One per call: NullabilityInfoContext caches in plain dictionaries and is not thread-safe. A shared one was corrupted
        // when two documents were generated at once (two hosts in the test run; two first requests for swagger.json), and
        // every document after that failed.
        var nullability = new NullabilityInfoContext();
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (properties.TryGetValue(name, out var propertySchema) && propertySchema is OpenApiSchemaReference reference
                && nullability.Create(property).ReadState == NullabilityState.Nullable)
            {
                properties[name] = new OpenApiSchema
                {
                    Description = reference.Description,
                    OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }],
                };
            }
        }
    }
}

/// <summary>Every problem the API sends carries its stable <c>code</c> (also the end of <c>type</c>) and the <c>traceId</c>.</summary>
internal sealed class ProblemDetailsSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (!typeof(ProblemDetails).IsAssignableFrom(context.Type) || schema is not OpenApiSchema problem)
        {
            return;
        }

        problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
        problem.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The stable problem code, e.g. `validation_failed`; `type` is `urn:caseapi:problem:` and this code.",
        };
        problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." };
        problem.Required ??= new HashSet<string>();
        foreach (var required in new[] { "type", "title", "status", "code", "traceId" })
        {
            problem.Required.Add(required);
        }
    }
}
