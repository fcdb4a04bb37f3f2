using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Features.Organisations;

public static class UpdateOrganisation
{
    /// <summary>The settings to change (JSON Merge Patch). Deadlines already computed keep their dates; new ones use the new settings.</summary>
    public sealed record Body
    {
        /// <summary>The organisation's name.</summary>
        public Optional<string> Name { get; init; }

        /// <summary>Whose public holidays deadlines skip.</summary>
        /// <example>DE-NW</example>
        public Optional<string> Jurisdiction { get; init; }

        /// <summary>The IANA time zone in which a day ends for deadlines.</summary>
        /// <example>Europe/Berlin</example>
        public Optional<string> TimeZone { get; init; }
    }

    public sealed record Command(int ExpectedVersion, Body Changes) : ICommand<OrganisationDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            When(c => c.Changes.Name.IsSet, () => RuleFor(c => c.Changes.Name.Value).NotEmpty().IsShortText(200).OverridePropertyName("name"));
            When(c => c.Changes.Jurisdiction.IsSet, () => RuleFor(c => c.Changes.Jurisdiction.Value).NotEmpty().IsJurisdiction().OverridePropertyName("jurisdiction"));
            When(c => c.Changes.TimeZone.IsSet, () => RuleFor(c => c.Changes.TimeZone.Value).NotEmpty().IsTimeZone().OverridePropertyName("timeZone"));
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Command, OrganisationDto>
    {
        public async Task<OrganisationDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await db.QuerySingleAsync<OrganisationDto>(
                $"SELECT {OrganisationDto.Columns} FROM organisations WHERE id = current_organisation_id() FOR UPDATE", ct: ct);
            if (current.Version != cmd.ExpectedVersion)
            {
                throw new PreconditionFailedException("organisation", current.Id);
            }

            return await db.QuerySingleAsync<OrganisationDto>($"""
                UPDATE organisations SET name = @name, jurisdiction = @jurisdiction, time_zone = @timeZone, version = version + 1
                WHERE id = current_organisation_id()
                RETURNING {OrganisationDto.Columns}
                """,
                new
                {
                    name = cmd.Changes.Name.Or(current.Name), jurisdiction = cmd.Changes.Jurisdiction.Or(current.Jurisdiction),
                    timeZone = cmd.Changes.TimeZone.Or(current.TimeZone),
                },
                ct);
        }
    }

    internal static void Map(RouteGroupBuilder organisation) => organisation.MapPatch("", async (Body body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Command(EntityTags.RequiredVersion(ifMatch), body), ct)))
        .RequireAuthorization(Policies.Admin)
        .WithName("UpdateOrganisation")
        .WithSummary("Change your organisation's settings")
        .WithDescription("Admins set the name, the jurisdiction whose public holidays deadlines skip, and the time zone in which days end. Requires `If-Match`.")
        .Produces<OrganisationDto>();
}
