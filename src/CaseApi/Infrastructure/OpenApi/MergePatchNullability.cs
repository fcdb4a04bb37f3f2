using System.Reflection;
using System.Text.Json;
using CaseApi.Infrastructure.Json;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// In a JSON Merge Patch body, <c>null</c> clears a field whose <see cref="Optional{T}"/> holds a nullable value
/// (<c>Optional&lt;string?&gt;</c>); the document must allow it. Swashbuckle sees only the struct, never null, so the
/// nullability of the value inside is read here.
/// </summary>
internal sealed class MergePatchNullabilitySchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties })
        {
            return;
        }

        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(ClearsWithNull))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            switch (properties.TryGetValue(name, out var value) ? value : null)
            {
                case OpenApiSchema { Type: { } type } concrete:
                    concrete.Type = type | JsonSchemaType.Null;
                    break;
                case OpenApiSchemaReference reference:
                    properties[name] = new OpenApiSchema { Description = reference.Description, OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }] };
                    break;
            }
        }
    }

    /// <summary>Whether the property is an <see cref="Optional{T}"/> of a nullable value. (A context per call: it is not thread-safe.)</summary>
    public static bool ClearsWithNull(PropertyInfo property) =>
        property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Optional<>)
        && (Nullable.GetUnderlyingType(property.PropertyType.GetGenericArguments()[0]) is not null
            || new NullabilityInfoContext().Create(property).GenericTypeArguments[0].ReadState == NullabilityState.Nullable);
}
