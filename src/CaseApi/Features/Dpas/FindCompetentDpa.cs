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
/// one authority per sector (Bavaria), the kind of body complained about does.
/// </summary>
public static class FindCompetentDpa
{
    // Sector arrives as text: minimal APIs parse enums case-sensitively (Public), the API spells them snake_case (public).
    public sealed record Query(string? Country, string? Region, string? Sector) : IQuery<DpaDto>;

    private static readonly string[] Sectors = Enum.GetValues<DpaSector>().Select(SnakeCase.From).ToArray();

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Country).NotEmpty().IsCountryCode();
            RuleFor(q => q.Region).IsRegionCode()
                .Must((q, region) => region is null || q.Country is null || region.StartsWith($"{q.Country}-", StringComparison.Ordinal))
                .WithMessage("Must be a region of the country given as country.");
            RuleFor(q => q.Sector).Must(sector => sector is null || Sectors.Contains(sector)).WithMessage($"One of: {string.Join(", ", Sectors)}.");
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, DpaDto>
    {
        public async Task<DpaDto> Handle(Query query, CancellationToken ct)
        {
            var inCountry = await db.QueryAsync<DpaRow>(
                $"SELECT {DpaRow.Columns} FROM dpas WHERE countries @> ARRAY[@country] ORDER BY code", new { country = query.Country }, ct);
            var regional = inCountry.Where(dpa => dpa.Regions.Length > 0).ToArray();
            if (regional.Length > 0 && query.Region is null)
            {
                throw new ValidationException([new ValidationFailure(nameof(Query.Region), $"Required for {query.Country}: its authorities are regional.")]);
            }

            var forPlace = regional.Length > 0 ? regional.Where(dpa => dpa.Regions.Contains(query.Region)) : inCountry;
            // Most complaints are against companies.
            var sector = query.Sector ?? SnakeCase.From(DpaSector.Private);
            // An authority for exactly this sector goes before one for both, should a region ever have both kinds.
            var competent = forPlace.Where(dpa => dpa.Sector is null || dpa.Sector == sector).OrderBy(dpa => dpa.Sector is null).FirstOrDefault();
            return competent?.ToDto() ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "no_competent_dpa",
                $"The registry has no authority for {query.Region ?? query.Country}, {sector} sector.");
        }
    }

    internal static void Map(RouteGroupBuilder dpas) => dpas.MapGet("competent", (IMediator mediator, CancellationToken ct, string? country, string? region, string? sector) =>
            mediator.Send(new Query(country, region, sector), ct))
        .WithName("FindCompetentDpa")
        .WithSummary("Find the authority to complain to")
        .WithDescription("""
            The authority a data subject complains to under GDPR Art. 77(1), by where they live: `country` (ISO 3166-1 alpha-2,
            required) and, where the country has regional authorities (Germany), `region` (ISO 3166-2, e.g. `DE-BY`; required
            there, 400 without it). `sector` is the kind of body complained about, `private` (the default: most complaints are
            against companies) or `public`; it matters only where a region has one authority for each (Bavaria).
            Art. 77 also allows a complaint where the data subject works or where the infringement took place; ask again with
            that place. In Germany, complaints about federal public bodies go to the federal commissioner (BfDI, `de-bfdi`)
            rather than to the authority of the Land. 404 `no_competent_dpa` when the registry has no authority for the place.
            """)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
