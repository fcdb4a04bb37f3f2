using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;

namespace CaseApi.Features.Organisations;

/// <summary>Rules for the settings deadlines are computed with, shared by creation and change.</summary>
public static class OrganisationSettings
{
    public const string DefaultJurisdiction = "DE";
    public const string DefaultTimeZone = "Europe/Berlin";

    public static IRuleBuilderOptions<T, string?> IsJurisdiction<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || Jurisdiction.TryParse(text, out _))
            .WithMessage("Must be an ISO 3166-1 country (IE) or ISO 3166-2 region (DE-NW).");

    public static IRuleBuilderOptions<T, string?> IsTimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || TimeZoneInfo.TryFindSystemTimeZoneById(text, out _))
            .WithMessage("Must be an IANA time zone, e.g. Europe/Berlin.");
}
