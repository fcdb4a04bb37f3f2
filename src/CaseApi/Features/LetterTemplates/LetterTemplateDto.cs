using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;

namespace CaseApi.Features.LetterTemplates;

/// <summary>A letter template: a subject and a body in Liquid, filled from a case's data when a letter is drafted.</summary>
public sealed record LetterTemplateDto : IVersioned
{
    /// <summary>The columns of an organisation's own template; <see cref="BuiltIn"/> stays false.</summary>
    internal const string Columns = "id, name, letter_type, language, subject, body, version, created_at, updated_at";

    /// <summary>The template's id. Built-in templates have the same id everywhere.</summary>
    public Guid Id { get; init; }

    /// <summary>A name, unique in the organisation.</summary>
    /// <example>Abmahnung KI-Training</example>
    public required string Name { get; init; }

    /// <summary>The type of letter the template drafts.</summary>
    /// <example>reminder</example>
    public LetterType LetterType { get; init; }

    /// <summary>The language it is written in (ISO 639-1): `de` or `en`. `date_long` writes dates in it.</summary>
    /// <example>de</example>
    public required string Language { get; init; }

    /// <summary>The subject line, a Liquid template.</summary>
    /// <example>Erinnerung: unser Schreiben vom {{ answered.sent_on | date_long }}</example>
    public required string Subject { get; init; }

    /// <summary>The text, a Liquid template.</summary>
    public required string Body { get; init; }

    /// <summary>True for the templates CaseApi ships: every organisation has them; they cannot be changed or deleted.</summary>
    public bool BuiltIn { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When the template was created; null for built-in templates.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it last changed; null for built-in templates.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A template as written: what a lawyer sends to create or replace one.</summary>
public sealed record LetterTemplateFields
{
    /// <summary>A name, unique in the organisation.</summary>
    /// <example>Abmahnung KI-Training</example>
    public required string Name { get; init; }

    /// <summary>The type of letter the template drafts.</summary>
    /// <example>cease_and_desist</example>
    public required LetterType LetterType { get; init; }

    /// <summary>The language it is written in (ISO 639-1): `de` or `en`.</summary>
    /// <example>de</example>
    public required string Language { get; init; }

    /// <summary>The subject line, a Liquid template.</summary>
    /// <example>Unterlassungsaufforderung – Unser Zeichen {{ case.reference }}</example>
    public required string Subject { get; init; }

    /// <summary>The text, a Liquid template.</summary>
    /// <example>Sehr geehrte Damen und Herren, mit diesem Schreiben fordern wir {{ defendant.legal_name }} auf, …</example>
    public required string Body { get; init; }

    /// <summary>The rules for creating and replacing alike. A template must parse, and render against sample data, before it is stored.</summary>
    public sealed class Validator : AbstractValidator<LetterTemplateFields>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(t => t.Name).NotEmpty().IsShortText(200);
            RuleFor(t => t.LetterType).IsInEnum();
            RuleFor(t => t.Language).IsTemplateLanguage();
            RuleFor(t => t.Subject).NotEmpty().IsShortText(1000);
            RuleFor(t => t.Body).NotEmpty().IsShortText(LetterLimits.MaxBodyLength);
            RuleFor(t => t).CustomAsync(async (template, context, ct) =>
            {
                var language = LetterTemplateEngine.Languages.Contains(template.Language) ? template.Language : "en";
                foreach (var (field, source) in new[] { ("subject", template.Subject), ("body", template.Body) })
                {
                    if (!string.IsNullOrEmpty(source) && await LetterTemplateEngine.ProblemWithAsync(source, language, clock, ct) is { } problem)
                    {
                        context.AddFailure(field, problem);
                    }
                }
            });
        }
    }
}

internal static class LetterTemplateRules
{
    public static IRuleBuilderOptions<T, string?> IsTemplateLanguage<T>(this IRuleBuilder<T, string?> rule) =>
        rule.IsOneOf(LetterTemplateEngine.Languages)
            .WithMessage($"One of {string.Join(", ", LetterTemplateEngine.Languages)} (ISO 639-1).");
}

internal static class LetterTemplateConflicts
{
    public static ConflictException NameTaken(string name) =>
        new("letter_template_name_taken", $"The organisation already has a letter template named '{name}'.");

    public static ConflictException BuiltIn(Guid id, string change) =>
        new("letter_template_built_in", $"Letter template {id} is built in and cannot be {change}; create a template of your own from its text instead.");
}
