using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Defendants;

/// <summary>
/// GDPR Art. 56(1): the authority of the main establishment leads cross-border processing. Proposed only
/// where it is unambiguous: the country's national authority, or, where a country's authorities are
/// regional (Germany), the private-sector authority of the establishment's region.
/// </summary>
internal static class LeadAuthority
{
    public static Task<Guid?> ProposeAsync(DbSession db, string? country, string? region, CancellationToken ct) =>
        country is null
            ? Task.FromResult<Guid?>(null)
            : db.QuerySingleOrDefaultAsync<Guid?>("""
                SELECT d.id FROM dpas d
                WHERE @country = ANY (d.countries)
                  AND coalesce(d.sector, 'private') = 'private'
                  AND CASE WHEN EXISTS (SELECT FROM dpas r WHERE @country = ANY (r.countries) AND cardinality(r.regions) > 0)
                           THEN @region = ANY (d.regions)
                           ELSE cardinality(d.regions) = 0 END
                ORDER BY d.code
                LIMIT 1
                """, new { country, region }, ct);
}
