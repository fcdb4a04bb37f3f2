using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using FluentValidation.Results;
using MediatR;

namespace CaseApi.Features.Dpas;

/// <summary>
/// GDPR Art. 77(1): a data subject may complain to the supervisory authority of the Member State of their habitual
/// residence. Where a country has regional authorities (Germany's Länder), the region decides, and where a region has
/// one authority per sector (Bavaria), the kind of body complained about does. Some kinds of body have an authority of
/// their own in place of the general one: the churches (GDPR Art. 91), the public broadcasters (Art. 85), in Germany
/// telecommunications and postal services (the BfDI), and the EU institutions (the EDPS, Regulation (EU) 2018/1725).
/// </summary>
public static class FindCompetentDpa
{
    // Sector arrives as text: minimal APIs parse enums case-sensitively (Public), the API spells them snake_case (public).
    public sealed record Query(string? Country, string? Region, string? Sector) : IQuery<DpaDto>;

    private static readonly string EuInstitution = SnakeCase.From(DpaSector.EuInstitution);

    private static readonly DpaSector[] GeneralSectors = [DpaSector.Public, DpaSector.Private];

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            // The EDPS supervises the EU institutions wherever the data subject lives.
            RuleFor(q => q.Country).NotEmpty().When(q => q.Sector != EuInstitution).IsCountryCode();
            RuleFor(q => q.Region).IsRegionCode()
                .Must((q, region) => region is null || q.Country is null || region.StartsWith($"{q.Country}-", StringComparison.Ordinal))
                .WithMessage("Must be a region of the country given as country.");
            RuleFor(q => q.Sector).IsNameOf<Query, DpaSector>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, DpaDto>
    {
        public async Task<DpaDto> Handle(Query query, CancellationToken ct)
        {
            // Most complaints are against companies.
            var sector = query.Sector ?? SnakeCase.From(DpaSector.Private);
            var wanted = SnakeCase.ToEnum<DpaSector>(sector);
            // An authority without a country (the EDPS) is a candidate everywhere; its sector keeps it out of other lookups.
            var candidates = (await db.QueryAsync<DpaDto>(
                    $"SELECT {DpaDto.Columns} FROM dpas WHERE countries @> ARRAY[@country::text] OR cardinality(countries) = 0 ORDER BY code",
                    new { country = query.Country }, ct))
                .Where(dpa => dpa.Sectors.Contains(wanted) || (dpa.Sectors.Count == 0 && GeneralSectors.Contains(wanted)))
                .ToArray();
            var regional = candidates.Where(dpa => dpa.Regions.Length > 0).ToArray();
            if (regional.Length > 0 && query.Region is null)
            {
                throw new ValidationException([new ValidationFailure(nameof(Query.Region), $"Required for {query.Country}, {sector} sector: its authorities are regional.")]);
            }

            var forPlace = regional.Length > 0 ? regional.Where(dpa => dpa.Regions.Contains(query.Region)) : candidates;
            // An authority for exactly this sector goes before one for all bodies of the place, should a region ever have both.
            var competent = forPlace.OrderBy(dpa => dpa.Sectors.Count == 0).FirstOrDefault();
            return competent ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "no_competent_dpa",
                $"The registry has no authority for {query.Region ?? query.Country}, {sector} sector.");
        }
    }

    internal static void Map(RouteGroupBuilder dpas) => dpas.MapGet("competent", (IMediator mediator, CancellationToken ct, string? country, string? region, string? sector) =>
            mediator.Send(new Query(country, region, sector), ct))
        .WithName("FindCompetentDpa")
        .WithSummary("Find the authority to complain to")
        .WithDescription("""
            The authority a data subject complains to under GDPR Art. 77(1), by where they live: `country` (ISO 3166-1 alpha-2,
            required except for `eu_institution`) and, where the country has regional authorities for the sector (Germany),
            `region` (ISO 3166-2, e.g. `DE-BY`; required there, 400 without it). `sector` is the kind of body complained about:
            `private` (the default: most complaints are against companies) or `public` matter only where a region has one
            authority for each (Bavaria). The others name bodies with an authority of their own in place of the general one:
            `church_protestant` (the EKD's commissioner, all of Germany), `church_catholic` (the Catholic diocesan authority of
            the region; each bishop appoints the one for his diocese, KDG § 42(1), and where dioceses cross a Land border the
            answer is the authority for most of the Land, so a parish in Vorpommern, Archdiocese of Berlin, KDSA Ost, or in
            the Hessian part of Paderborn, KDSZ Dortmund, gets Mecklenburg-Vorpommern's or Hesse's: check the diocese of the
            body complained about), `broadcasting` (the public broadcaster's data protection commissioner; `region` is the broadcaster's
            area, for ZDF and Deutschlandradio their seat, `DE-RP` and `DE-NW`), `telecommunications` and `postal` (in Germany
            the federal commissioner, BfDI) and `eu_institution` (the EDPS, for the EU's institutions and agencies, wherever the
            data subject lives). Art. 77 also allows a complaint where the data subject works or where the infringement took
            place; ask again with that place. In Germany, complaints about federal public bodies go to the BfDI (`de-bfdi`)
            rather than to the authority of the Land; Radio Bremen and, outside journalism, Deutsche Welle are supervised by
            Bremen's commissioner and the BfDI. 404 `no_competent_dpa` when the registry has no authority for the place and
            sector (the Bavarian dioceses' authority, KDSZ Bayern, is not in the registry yet: `church_catholic` in `DE-BY`
            gets 404).
            """)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
