using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using FluentValidation.Results;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class UpdateOrganisation
{
    /// <summary>The settings to change (JSON Merge Patch). Deadlines already computed keep their dates; new ones use the new settings.</summary>
    public sealed record Body
    {
        /// <summary>The organisation's name.</summary>
        public Optional<string> Name { get; init; }

        /// <summary>Its postal address, one line per line, the postcode and town last (null removes it): the letterhead of its letters as PDF.</summary>
        public Optional<string?> PostalAddress { get; init; }

        /// <summary>Whose public holidays deadlines skip.</summary>
        /// <example>DE-NW</example>
        public Optional<string> Jurisdiction { get; init; }

        /// <summary>The IANA time zone in which a day ends for deadlines.</summary>
        /// <example>Europe/Berlin</example>
        public Optional<string> TimeZone { get; init; }

        /// <summary>
        /// The municipality's holidays on top of the jurisdiction's, replacing the list (null empties it). Each entry adds a
        /// holiday (Augsburg: <c>{"month": 8, "day": 8, "name": "Augsburger Hohes Friedensfest", "basis": "FTG Art. 1(2)"}</c>)
        /// or, with <c>observed: false</c>, removes one the jurisdiction has (Nuremberg in DE-BY:
        /// <c>{"month": 8, "day": 15, "name": "Assumption Day", "basis": "FTG Art. 1(1) no. 2, Art. 1(3)", "observed": false}</c>).
        /// </summary>
        public Optional<IReadOnlyList<LocalHoliday>?> LocalHolidays { get; init; }
    }

    public sealed record Command(int? ExpectedVersion, Body Changes) : ICommand<OrganisationDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            When(c => c.Changes.Name.IsSet, () => RuleFor(c => c.Changes.Name.Value).NotEmpty().IsShortText(200));
            When(c => c.Changes.PostalAddress.IsSet, () => RuleFor(c => c.Changes.PostalAddress.Value).Must(address => address is null || address.Trim().Length > 0)
                .WithMessage("Must not be blank; send null to remove the address.").IsShortText(500));
            When(c => c.Changes.Jurisdiction.IsSet, () => RuleFor(c => c.Changes.Jurisdiction.Value).NotEmpty().IsJurisdiction());
            When(c => c.Changes.TimeZone.IsSet, () => RuleFor(c => c.Changes.TimeZone.Value).NotEmpty().IsTimeZone());
            When(c => c.Changes.LocalHolidays is { IsSet: true, Value: not null }, () =>
            {
                RuleFor(c => c.Changes.LocalHolidays.Value).AreLocalHolidays();
                RuleForEach(c => c.Changes.LocalHolidays.Value).SetValidator(new LocalHolidayValidator());
            });
        }
    }

    internal sealed class Handler(DbSession db, DeadlineKeeper deadlines, TimeProvider clock) : IRequestHandler<Command, OrganisationDto>
    {
        public async Task<OrganisationDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await db.QuerySingleAsync<OrganisationDto>(
                $"SELECT {OrganisationDto.Columns} FROM organisations WHERE id = current_organisation_id() FOR UPDATE", ct: ct);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "organisation", current.Id);

            var jurisdiction = cmd.Changes.Jurisdiction.Or(current.Jurisdiction);
            var localHolidays = cmd.Changes.LocalHolidays.IsSet ? cmd.Changes.LocalHolidays.Value ?? [] : current.LocalHolidays;
            await RequireRemovedHolidaysExistAsync(jurisdiction, localHolidays, ct);

            return await db.QuerySingleAsync<OrganisationDto>($"""
                UPDATE organisations SET name = @name, postal_address = @postalAddress, jurisdiction = @jurisdiction, time_zone = @timeZone, local_holidays = @localHolidays::jsonb,
                    version = version + 1
                WHERE id = current_organisation_id()
                RETURNING {OrganisationDto.Columns}
                """,
                new
                {
                    name = cmd.Changes.Name.Or(current.Name), postalAddress = cmd.Changes.PostalAddress.Or(current.PostalAddress), jurisdiction, timeZone = cmd.Changes.TimeZone.Or(current.TimeZone), localHolidays,
                },
                ct);
        }

        /// <summary>
        /// Only a holiday the jurisdiction has can be taken away: a removal on a working day is a typo (15 September for
        /// 15 August) or left behind by a change of jurisdiction (Bavaria's 15 August in North Rhine-Westphalia), and would
        /// silently do nothing. Checked this year and next, as a holiday moved off a weekend (a UK Christmas) is not on its
        /// date every year. Also checked when only the jurisdiction changes.
        /// </summary>
        private async Task RequireRemovedHolidaysExistAsync(string jurisdictionText, IReadOnlyList<LocalHoliday> localHolidays, CancellationToken ct)
        {
            if (localHolidays.All(entry => entry.Observed) || !Jurisdiction.TryParse(jurisdictionText, out var jurisdiction))
            {
                return;
            }

            var calendar = await deadlines.CalendarAsync(jurisdiction, LocalHolidays.None, ct);
            var year = clock.GetUtcNow().Year;
            var failures = localHolidays
                .Select((entry, index) => (entry, index))
                .Where(removal => !removal.entry.Observed
                                  && !new[] { year, year + 1 }.Any(y => removal.entry.In(y) is { } day && calendar.JurisdictionHolidayOn(day, jurisdiction) is not null))
                .Select(removal => new ValidationFailure($"localHolidays[{removal.index}]",
                    $"{jurisdiction} has no public holiday on that day in {year} or {year + 1}: only a holiday of the jurisdiction can be marked as not observed."))
                .ToList();
            if (failures.Count > 0)
            {
                throw new ValidationException(failures);
            }
        }
    }

    internal static void Map(RouteGroupBuilder organisation) => organisation.MapVersionedChange(HttpMethods.Patch, "", (int? version, Body body) => new Command(version, body))
        .RequireAuthorization(Policies.Admin)
        .WithName("UpdateOrganisation")
        .WithSummary("Change your organisation's settings")
        .WithDescription("Admins set the name, the postal address (the letterhead of letters as PDF), the jurisdiction whose public holidays deadlines skip, the municipality's local holidays on top of them, and the time zone in which days end. Requires `If-Match`.")
        .Produces<OrganisationDto>();
}
