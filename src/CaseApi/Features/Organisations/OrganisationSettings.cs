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

    /// <summary>Enough for a municipality's few (Augsburg's two), bounded like every list a tenant controls.</summary>
    public const int MaxLocalHolidays = 20;

    public static IRuleBuilderOptions<T, IReadOnlyList<LocalHoliday>?> AreLocalHolidays<T>(this IRuleBuilder<T, IReadOnlyList<LocalHoliday>?> rule) =>
        rule.Must(entries => entries is null || entries.Count <= MaxLocalHolidays)
            .WithMessage($"At most {MaxLocalHolidays} local holidays.")
            .Must(entries => entries is null || entries.CountBy(entry => (entry.Month, entry.Day, entry.DaysAfterEaster)).All(day => day.Value == 1))
            .WithMessage("Each day at most once: one entry adds or removes the holiday on it.");

    public static IRuleBuilderOptions<T, string?> IsTimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || TimeZoneInfo.TryFindSystemTimeZoneById(text, out _))
            .WithMessage("Must be an IANA time zone, e.g. Europe/Berlin.");
}

/// <summary>
/// One local holiday: a real date (29 February counts in leap years only) or a feast within ten weeks of Easter Sunday
/// (Carnival Monday is 48 days before it, Corpus Christi 60 after), with a name a lawyer recognises in <c>computation</c>.
/// </summary>
public sealed class LocalHolidayValidator : AbstractValidator<LocalHoliday>
{
    public LocalHolidayValidator()
    {
        RuleFor(h => h).Must(h => (h.DaysAfterEaster is null) != (h.Month is null && h.Day is null))
            .WithMessage("Give either month and day (a fixed date) or daysAfterEaster (a movable feast), not both.").OverridePropertyName("date");
        When(h => h.DaysAfterEaster is null, () =>
        {
            RuleFor(h => h.Month).NotNull().InclusiveBetween(1, 12);
            RuleFor(h => h.Day).NotNull().InclusiveBetween(1, 31)
                .Must((h, day) => h.Month is not (>= 1 and <= 12) || day <= DateTime.DaysInMonth(2024, h.Month.Value))
                .WithMessage("Not a day of that month.");
        });
        RuleFor(h => h.DaysAfterEaster).InclusiveBetween(-70, 70);
        RuleFor(h => h.Name).NotEmpty().IsShortText(100);
        RuleFor(h => h.Basis).IsShortText(200);
    }
}
