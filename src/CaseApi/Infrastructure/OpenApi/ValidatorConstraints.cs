using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using FluentValidation.Internal;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// A validator rule that can say what it allows in JSON Schema terms: the rules written with <c>Must</c>, whose
/// predicate the document cannot read (one of a set of values, a bounded list of short texts).
/// </summary>
public interface ISchemaConstraint
{
    void ApplyTo(OpenApiSchema schema);
}

/// <summary>
/// The rules the document could not place on a parameter or body property of any operation that sends their request
/// (ListCaseProceedings takes no <c>kind</c>, ListProceedings does); a test keeps it empty.
/// </summary>
public sealed class ValidatorConstraintReport
{
    private readonly ConcurrentDictionary<string, bool> placed = new();

    public IReadOnlyCollection<string> Unplaced => placed.Where(rule => !rule.Value).Select(rule => rule.Key).Order(StringComparer.Ordinal).ToArray();

    internal void Record(string rule, bool wasPlaced) => placed.AddOrUpdate(rule, wasPlaced, (_, before) => before || wasPlaced);
}

/// <summary>The MediatR requests an endpoint may send.</summary>
internal static class UseCases
{
    /// <summary>
    /// The requests nested in the use case that maps the endpoint (the class its handler lambda is declared in, e.g.
    /// ListProceedings for both ListProceedings and ListCaseProceedings; for <c>EntityTags.MapVersionedChange</c>, the class of the
    /// lambda that makes the command), queries for GET and commands otherwise.
    /// </summary>
    public static IEnumerable<Type> RequestsOf(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription endpoint)
    {
        var kind = endpoint.HttpMethod == "GET" ? typeof(IQuery<>) : typeof(ICommand<>);
        return endpoint.ActionDescriptor.EndpointMetadata.OfType<MethodInfo>().SelectMany(method => UseCase(method.DeclaringType)?.GetNestedTypes() ?? [])
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == kind));
    }

    private static Type? UseCase(Type? type)
    {
        while (type is { DeclaringType: not null } && type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
        {
            type = type.DeclaringType;
        }

        return type;
    }
}

/// <summary>
/// Issue 14 point 6: everything the API enforces is in the schema. The limits come from the request's FluentValidation
/// validator, the same rules that answer 400, so that the document cannot drift from them: a maximum length, a range,
/// a pattern, non-empty, and the <see cref="ISchemaConstraint"/> rules, each on the query parameter or body property
/// the rule names.
/// </summary>
internal sealed class ValidatorConstraintsOperationFilter(IServiceProvider services, ValidatorConstraintReport report) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var request in UseCases.RequestsOf(context.ApiDescription))
        {
            foreach (var validator in services.GetServices(typeof(IValidator<>).MakeGenericType(request)).Cast<IValidator>())
            {
                foreach (var rule in validator.CreateDescriptor().Rules)
                {
                    Apply(operation, context, request, rule);
                }
            }
        }
    }

    private void Apply(OpenApiOperation operation, OperationFilterContext context, Type request, IValidationRule rule)
    {
        var eachItem = rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>));
        foreach (var component in rule.Components)
        {
            if (!Describable(component.Validator))
            {
                continue;
            }

            var target = Target(operation, context, rule.PropertyName ?? "");
            if (eachItem)
            {
                target = target?.Items is { } items ? Concrete(items, context) : null;
            }

            report.Record($"{request.DeclaringType?.Name}.{request.Name}: {rule.PropertyName}{(eachItem ? "[]" : "")} {component.Validator.Name}",
                target is not null && Place(component, target));
        }
    }

    private static bool Describable(IPropertyValidator validator) => validator is ILengthValidator or IRegularExpressionValidator or INotEmptyValidator
        or ISchemaConstraint || (validator is IBetweenValidator between && IsNumber(between.From))
        || (validator is IComparisonValidator { ValueToCompare: { } limit } && IsNumber(limit));

    /// <summary>Writes the rule into the schema; false when the schema is of a kind the rule cannot be said of.</summary>
    private static bool Place(IRuleComponent component, OpenApiSchema schema)
    {
        var isText = schema.Type?.HasFlag(JsonSchemaType.String) == true;
        var isList = schema.Type?.HasFlag(JsonSchemaType.Array) == true;
        var isNumber = schema.Type is { } type && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number));
        switch (component.Validator)
        {
            case ISchemaConstraint constraint:
                constraint.ApplyTo(schema);
                return true;
            case ILengthValidator length when isText:
                schema.MaxLength = length.Max > 0 ? Tighter(schema.MaxLength, length.Max, Math.Min) : schema.MaxLength;
                schema.MinLength = length.Min > 0 ? Tighter(schema.MinLength, length.Min, Math.Max) : schema.MinLength;
                return true;
            case IRegularExpressionValidator regex when isText:
                schema.Pattern = regex.Expression;
                return true;
            // Emptiness required only in some states (When) is a rule between fields, not a limit on this one.
            case INotEmptyValidator when component.HasCondition || component.HasAsyncCondition:
                return true;
            case INotEmptyValidator when isText:
                schema.MinLength = Tighter(schema.MinLength, 1, Math.Max);
                return true;
            case INotEmptyValidator when isList:
                schema.MinItems = Tighter(schema.MinItems, 1, Math.Max);
                return true;
            case INotEmptyValidator:
                return true;
            case IBetweenValidator between when isNumber:
                var inclusive = component.Validator.Name == "InclusiveBetweenValidator";
                schema.Minimum = inclusive ? Number(between.From) : schema.Minimum;
                schema.Maximum = inclusive ? Number(between.To) : schema.Maximum;
                schema.ExclusiveMinimum = inclusive ? schema.ExclusiveMinimum : Number(between.From);
                schema.ExclusiveMaximum = inclusive ? schema.ExclusiveMaximum : Number(between.To);
                return true;
            case IComparisonValidator comparison when isNumber:
                var limit = Number(comparison.ValueToCompare);
                switch (comparison.Comparison)
                {
                    case Comparison.GreaterThan: schema.ExclusiveMinimum = limit; return true;
                    case Comparison.GreaterThanOrEqual: schema.Minimum = limit; return true;
                    case Comparison.LessThan: schema.ExclusiveMaximum = limit; return true;
                    case Comparison.LessThanOrEqual: schema.Maximum = limit; return true;
                    default: return true;
                }

            default:
                return false;
        }
    }

    private static int Tighter(int? current, int limit, Func<int, int, int> pick) => current is { } value ? pick(value, limit) : limit;

    private static bool IsNumber(object? value) => value is int or long or short or byte or decimal or double or float;

    private static string Number(object? value) => Convert.ToDecimal(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The schema a rule's property name points at: a query parameter, or a property of the body (rules name fields as the
    /// client sends them, without the command's property that holds the body: MediationSetup).
    /// </summary>
    private static OpenApiSchema? Target(OpenApiOperation operation, OperationFilterContext context, string propertyName)
    {
        var segments = propertyName.Split('.');
        if (segments.Length == 1 && operation.Parameters?.FirstOrDefault(p => p.In is ParameterLocation.Query or ParameterLocation.Path
                && string.Equals(p.Name, propertyName, StringComparison.OrdinalIgnoreCase)) is { Schema: { } parameter })
        {
            return Concrete(parameter, context);
        }

        var schema = operation.RequestBody?.Content?.Values.Select(m => m.Schema).FirstOrDefault(s => s is not null) is { } body ? Concrete(body, context) : null;
        foreach (var segment in segments)
        {
            schema = schema?.Properties?.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(segment), out var property) == true
                ? Concrete(property, context)
                : null;
        }

        return schema;
    }

    /// <summary>The schema itself behind a reference, or behind the "or null" wrapper of a nullable reference.</summary>
    private static OpenApiSchema? Concrete(IOpenApiSchema schema, OperationFilterContext context) => schema switch
    {
        OpenApiSchemaReference { Reference.Id: { } id } => context.SchemaRepository.Schemas.TryGetValue(id, out var target) ? Concrete(target, context) : null,
        OpenApiSchema { OneOf: [var only, OpenApiSchema { Type: JsonSchemaType.Null }] } => Concrete(only, context),
        OpenApiSchema concrete => concrete,
        _ => null,
    };
}
