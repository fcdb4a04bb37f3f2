using CaseApi.Infrastructure.OpenApi;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;

namespace CaseApi.Infrastructure.Mediation;

/// <summary>Rules that several requests share, so that every route says the same thing about the same kind of value.</summary>
public static class ValidationRules
{
    public static IRuleBuilderOptions<T, string?> IsCountryCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[A-Z]{2}$").WithMessage("Must be an ISO 3166-1 alpha-2 country code in capitals, e.g. IE.");

    public static IRuleBuilderOptions<T, string?> IsLanguageCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[a-z]{2}$").WithMessage("Must be an ISO 639-1 language code in lower case, e.g. en.");

    public static IRuleBuilderOptions<T, string?> IsRegionCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[A-Z]{2}-[A-Z0-9]{1,3}$").WithMessage("Must be an ISO 3166-2 subdivision code, e.g. DE-NW.");

    public static IRuleBuilderOptions<T, string?> IsHttpUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(url => url is null || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            .WithMessage("Must be an absolute http(s) URL.");

    /// <summary>Free text of a bounded size: names, titles, references.</summary>
    public static IRuleBuilderOptions<T, string?> IsShortText<T>(this IRuleBuilder<T, string?> rule, int maxLength = 300) =>
        rule.MaximumLength(maxLength).Must(text => text is null || !text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Must not contain control characters.");

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> AreShortTexts<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule, int maxItems = 50, int maxLength = 200) =>
        rule.SetValidator(new ShortTextsValidator<T>(maxItems, maxLength)).WithMessage($"At most {maxItems} entries, each 1 to {maxLength} characters.");

    /// <summary>A value from a fixed set (a sort order, a grouping), or none.</summary>
    public static IRuleBuilderOptions<T, string?> IsOneOf<T>(this IRuleBuilder<T, string?> rule, IReadOnlyCollection<string> values) =>
        rule.SetValidator(new OneOfValidator<T>(values)).WithMessage($"One of {string.Join(", ", values)}.");

    /// <summary>
    /// Enum filters arrive as query strings in the API's snake_case spelling, which minimal-API binding
    /// (Enum.TryParse) does not read; they stay strings and are checked here, so a bad value is a 400 naming the field.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> IsNameOf<T, TEnum>(this IRuleBuilder<T, string?> rule) where TEnum : struct, Enum =>
        rule.IsOneOf(Enum.GetValues<TEnum>().Select(Json.SnakeCase.From).ToArray());

    /// <summary>
    /// An instant from the query string, bounded like every date in a body (<see cref="Json.DateBounds"/>, which the body's
    /// JSON reading checks).
    /// </summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> IsWithinDateBounds<T>(this IRuleBuilder<T, DateTimeOffset?> rule) =>
        rule.Must(at => at is null || Json.DateBounds.Contains(at.Value)).WithMessage(Json.DateBounds.Message);

    /// <summary>
    /// When a credential stops working: in the future, and at most <see cref="MaxExpiryYears"/> years ahead. Further is no
    /// expiry at all (9999-12-31 was accepted, issue 14): a credential that should not expire leaves the field out.
    /// </summary>
    public static IRuleBuilderOptions<T, DateTimeOffset?> IsExpiry<T>(this IRuleBuilder<T, DateTimeOffset?> rule, TimeProvider clock) =>
        rule.Must(at => at is null || (at > clock.GetUtcNow() && at <= clock.GetUtcNow().AddYears(MaxExpiryYears)))
            .WithMessage($"Must lie in the future, at most {MaxExpiryYears} years ahead; leave it out for no expiry.");

    public const int MaxExpiryYears = 10;

    public static IRuleBuilderOptions<T, int> IsPageSize<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(1, Json.Cursor.MaxLimit);

    public static IRuleBuilderOptions<T, string?> IsCursorOf<T, TKey>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(cursor => Json.Cursor.TryDecode<TKey>(cursor, out _)).WithMessage("Not a cursor from this list.");
}

/// <summary>Written as a validator of its own, rather than <c>Must</c>, so that the OpenAPI document can show its limits.</summary>
internal sealed class OneOfValidator<T>(IReadOnlyCollection<string> values) : PropertyValidator<T, string?>, ISchemaConstraint
{
    public override string Name => nameof(OneOfValidator<T>);

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || values.Contains(value);

    public void ApplyTo(OpenApiSchema schema) => schema.Enum = values.Select(value => (System.Text.Json.Nodes.JsonNode)value).ToList();
}

/// <inheritdoc cref="OneOfValidator{T}"/>
internal sealed class ShortTextsValidator<T>(int maxItems, int maxLength) : PropertyValidator<T, IReadOnlyList<string>?>, ISchemaConstraint
{
    public override string Name => nameof(ShortTextsValidator<T>);

    public override bool IsValid(ValidationContext<T> context, IReadOnlyList<string>? items) =>
        items is null || (items.Count <= maxItems && items.All(item => !string.IsNullOrWhiteSpace(item) && item.Length <= maxLength));

    public void ApplyTo(OpenApiSchema schema)
    {
        schema.MaxItems = maxItems;
        if (schema.Items is OpenApiSchema item)
        {
            item.MinLength = 1;
            item.MaxLength = maxLength;
        }
    }
}
