using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Defendants;

/// <summary>
/// GDPR Art. 56(1): the authority of the main establishment leads cross-border processing. Proposed only
/// where it is unambiguous: the country's national authority, or, where a country's authorities are
/// regional (Germany), the private-sector authority of the establishment's region.
/// </summary>
internal static class LeadAuthority
{
    /// <summary>
    /// Where the one-stop shop works: the 27 EU Member States and the EEA's Iceland, Liechtenstein and Norway, which took
    /// the GDPR into the EEA Agreement (EEA Joint Committee Decision 154/2018). A "main establishment" (Art. 4(16)) is one
    /// "in the Union": a controller whose main establishment is in the United Kingdom or Switzerland has none, so
    /// Art. 56 gives it no lead authority, and every authority concerned is competent on its own territory (Art. 55).
    /// </summary>
    public static readonly IReadOnlySet<string> OneStopShopCountries = new HashSet<string>(StringComparer.Ordinal)
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
        "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
    };

    /// <summary>Why no lead authority can follow from a main establishment in this country; null where one can.</summary>
    public static string? NoteFor(string? mainEstablishmentCountry) =>
        mainEstablishmentCountry is null || OneStopShopCountries.Contains(mainEstablishmentCountry)
            ? null
            : $"{mainEstablishmentCountry} is outside the EU and the EEA: a main establishment there is none in the sense of GDPR Art. 4(16), "
              + "so the one-stop shop (Art. 56) does not apply and each authority concerned is competent for its own territory (Art. 55).";

    public static Task<Guid?> ProposeAsync(DbSession db, string? country, string? region, CancellationToken ct) =>
        country is null || !OneStopShopCountries.Contains(country)
            ? Task.FromResult<Guid?>(null)
            : db.QuerySingleOrDefaultAsync<Guid?>("""
                SELECT d.id FROM dpas d
                WHERE @country = ANY (d.countries)
                  AND (d.sectors = '{}' OR d.sectors @> '{private}')
                  AND CASE WHEN EXISTS (SELECT FROM dpas r WHERE @country = ANY (r.countries) AND cardinality(r.regions) > 0)
                           THEN @region = ANY (d.regions)
                           ELSE cardinality(d.regions) = 0 END
                ORDER BY d.code
                LIMIT 1
                """, new { country, region }, ct);
}
