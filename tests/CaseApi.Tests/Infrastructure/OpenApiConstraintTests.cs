using CaseApi.Infrastructure.OpenApi;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Issue 14 point 6: what the API enforces is in the schema. The validators are the source: each of their limits is
/// looked up, by the field's name, in the operation's parameters and body (however deep), independently of how the
/// document filter places it.
/// </summary>
public sealed partial class OpenApiConstraintTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public void Every_length_range_pattern_and_value_set_a_validator_checks_is_in_the_schema_of_its_field()
    {
        var document = Document();
        var found = new Dictionary<string, bool>();
        var endpoints = api.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items);
        foreach (var endpoint in endpoints)
        {
            var path = "/" + RouteConstraint().Replace(endpoint.RelativePath!, "}").TrimEnd('/');
            if (Operations(document).FirstOrDefault(o => o.Path == path && o.Method == endpoint.HttpMethod).Operation is not { } operation)
            {
                continue;
            }

            foreach (var request in UseCases.RequestsOf(endpoint))
            {
                foreach (var validator in api.Services.GetServices(typeof(IValidator<>).MakeGenericType(request)).Cast<IValidator>())
                {
                    foreach (var rule in validator.CreateDescriptor().Rules)
                    {
                        var name = JsonNamingPolicy.CamelCase.ConvertName(rule.PropertyName!.Split('.').Last(segment => segment != "Value"));
                        var fields = Fields(document, operation, name).ToArray();
                        foreach (var expected in rule.Components.Select(c => (c.Validator.Name, Check: Expected(c.Validator))).Where(e => e.Check is not null))
                        {
                            // A request sent by two operations (ListProceedings, ListCaseProceedings) has its rule shown by either.
                            var key = $"{request.DeclaringType!.Name}.{request.Name}: {rule.PropertyName} {expected.Name}";
                            found[key] = found.GetValueOrDefault(key)
                                || fields.Any(field => expected.Check!(field) || (field.Items is { } items && expected.Check!(Resolve(document, items))));
                        }
                    }
                }
            }
        }

        var missing = found.Where(rule => !rule.Value).Select(rule => rule.Key).ToArray();
        Assert.True(found.Count > 100, $"only {found.Count} rules found: is the search for validators broken?");
        Assert.True(missing.Length == 0, $"validator rules missing from openapi.yaml:\n  {string.Join("\n  ", missing)}");
    }

    [Fact]
    public void No_validator_rule_is_left_unplaced()
    {
        Document();

        var unplaced = api.Services.GetRequiredService<ValidatorConstraintReport>().Unplaced;

        Assert.True(unplaced.Count == 0, $"rules the document could not place:\n  {string.Join("\n  ", unplaced)}");
    }

    [Fact]
    public void Limits_show_on_parameters_wrapped_bodies_and_merge_patches()
    {
        var document = Document();
        var listCases = Operation(document, "ListCases");
        var limit = Parameter(document, listCases, "limit");
        var reference = Property(document, "NewCase", "reference");
        var patchedReference = Property(document, "CaseChanges", "reference");
        var tags = Property(document, "NewCase", "tags");

        Assert.Equal(("1", "200"), (limit.Minimum, limit.Maximum));
        Assert.Equal("1", Parameter(document, Operation(document, "ListCaseProceedings"), "limit").Minimum);
        Assert.Contains("-openedOn", Parameter(document, listCases, "sort").Enum!.Select(v => v.GetValue<string>()));
        Assert.Contains("on_hold", Parameter(document, listCases, "status").Enum!.Select(v => v.GetValue<string>()));
        Assert.Equal((1, 100), (reference.MinLength, reference.MaxLength));
        Assert.Equal((1, 100), (patchedReference.MinLength, patchedReference.MaxLength));
        Assert.Equal(50, tags.MaxItems);
        Assert.Equal(50, Resolve(document, tags.Items!).MaxLength);
        Assert.Equal("^[A-Z]{2}(-[A-Z0-9]{1,3})?$", Parameter(document, Operation(document, "ListCourts"), "jurisdiction").Pattern);
    }

    [Fact]
    public void Every_query_parameter_is_described_and_every_enumerated_one_lists_its_values()
    {
        string[] enumerated = ["status", "sort", "groupBy", "letterType", "kind", "sector", "language", "types"];
        var parameters = Operations(Document())
            .SelectMany(o => (o.Operation.Parameters ?? []).Where(p => p.In == ParameterLocation.Query).Select(p => (Name: $"{o.Operation.OperationId}.{p.Name}", Parameter: p)))
            .ToArray();

        Assert.True(parameters.Length > 50, $"only {parameters.Length} query parameters found");
        Assert.Empty(parameters.Where(p => string.IsNullOrWhiteSpace(p.Parameter.Description)).Select(p => p.Name));
        Assert.Empty(parameters.Where(p => enumerated.Contains(p.Parameter.Name) && (p.Parameter.Schema?.Enum ?? p.Parameter.Schema?.Items?.Enum) is not { Count: > 0 })
            .Select(p => p.Name));
    }

    [Fact]
    public void A_merge_patch_field_that_null_clears_allows_null_and_the_others_do_not()
    {
        var document = Document();
        var fields = typeof(SwaggerSetup).Assembly.GetTypes()
            .Where(t => !t.IsGenericTypeDefinition && document.Components!.Schemas!.ContainsKey(SchemaNames.For(t)))
            .SelectMany(t => t.GetProperties().Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(CaseApi.Infrastructure.Json.Optional<>))
                .Select(p => (Name: $"{SchemaNames.For(t)}.{JsonNamingPolicy.CamelCase.ConvertName(p.Name)}", Property: p)))
            .ToArray();
        bool AllowsNull(string field) =>
            document.Components!.Schemas![field.Split('.')[0]].Properties![field.Split('.')[1]] is var schema
            && (schema.Type?.HasFlag(JsonSchemaType.Null) == true || schema.OneOf?.Any(s => s.Type == JsonSchemaType.Null) == true);

        Assert.True(fields.Length > 30, $"only {fields.Length} merge-patch fields found");
        Assert.True(AllowsNull("CaseChanges.summary"));
        Assert.False(AllowsNull("CaseChanges.reference"));
        Assert.Empty(fields.Where(f => AllowsNull(f.Name) != MergePatchNullabilitySchemaFilter.ClearsWithNull(f.Property)).Select(f => f.Name));
    }

    [System.Text.RegularExpressions.GeneratedRegex(":[^}]+}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraint();

    private OpenApiDocument Document() => api.Services.GetRequiredService<ISwaggerProvider>().GetSwagger(SwaggerSetup.DocumentName);

    /// <summary>What the schema of a field holds when it states the rule; null for rules no schema keyword states.</summary>
    private static Func<IOpenApiSchema, bool>? Expected(IPropertyValidator validator) => validator switch
    {
        ILengthValidator { Max: > 0 } length => schema => schema.MaxLength == length.Max,
        IRegularExpressionValidator regex => schema => schema.Pattern == regex.Expression,
        IBetweenValidator { From: int from, To: int to } => schema => (schema.Minimum, schema.Maximum) == ($"{from}", $"{to}")
                                                                     || (schema.ExclusiveMinimum, schema.ExclusiveMaximum) == ($"{from}", $"{to}"),
        IComparisonValidator { ValueToCompare: int value } => schema => new[] { schema.Minimum, schema.Maximum, schema.ExclusiveMinimum, schema.ExclusiveMaximum }.Contains($"{value}"),
        ISchemaConstraint constraint => schema =>
        {
            var expected = new OpenApiSchema { Type = schema.Type, Items = schema.Items is null ? null : new OpenApiSchema() };
            constraint.ApplyTo(expected);
            return (expected.Enum is null || (schema.Enum?.Select(v => v.ToJsonString()).SequenceEqual(expected.Enum.Select(v => v.ToJsonString())) ?? false))
                   && (expected.MaxItems is null || schema.MaxItems == expected.MaxItems);
        }
        ,
        _ => null,
    };

    /// <summary>Every schema called <paramref name="name"/> that the operation takes: a parameter, or a body property at any depth.</summary>
    private static IEnumerable<IOpenApiSchema> Fields(OpenApiDocument document, OpenApiOperation operation, string name)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter.Name == name && parameter.Schema is { } schema)
            {
                yield return Resolve(document, schema);
            }
        }

        var seen = new HashSet<IOpenApiSchema>();
        var pending = new Stack<IOpenApiSchema>((operation.RequestBody?.Content?.Values ?? []).Select(m => m.Schema).OfType<IOpenApiSchema>());
        while (pending.TryPop(out var next))
        {
            var schema = Resolve(document, next);
            if (!seen.Add(schema))
            {
                continue;
            }

            foreach (var (property, value) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (property == name)
                {
                    yield return Resolve(document, value);
                }

                pending.Push(value);
            }

            foreach (var inner in (schema.OneOf ?? []).Concat(schema.AllOf ?? []).Append(schema.Items).OfType<IOpenApiSchema>())
            {
                pending.Push(inner);
            }
        }
    }

    private static IOpenApiSchema Resolve(OpenApiDocument document, IOpenApiSchema schema) => schema switch
    {
        OpenApiSchemaReference { Reference.Id: { } id } => Resolve(document, document.Components!.Schemas![id]),
        { OneOf: [var only, { Type: JsonSchemaType.Null }] } => Resolve(document, only),
        _ => schema,
    };

    private static IEnumerable<(string Path, string Method, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => (p.Key, o.Key.Method, o.Value)));

    private static OpenApiOperation Operation(OpenApiDocument document, string id) => Operations(document).Single(o => o.Operation.OperationId == id).Operation;

    private static IOpenApiSchema Parameter(OpenApiDocument document, OpenApiOperation operation, string name) =>
        Resolve(document, operation.Parameters!.Single(p => p.Name == name).Schema!);

    private static IOpenApiSchema Property(OpenApiDocument document, string schema, string property) =>
        Resolve(document, document.Components!.Schemas![schema].Properties![property]);
}
