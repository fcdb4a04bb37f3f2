using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;

namespace CaseApi.Features.Cases;

/// <summary>
/// <c>expand=defendants</c> on GET /v1/cases and GET /v1/cases/{id} (issue 14 point 11): the defendants' names with the
/// cases, so that a list can show them without a request per case.
/// </summary>
internal static class CaseExpansion
{
    public const string Defendants = "defendants";

    public const string Description =
        "`expand=defendants` adds `defendants` to each case: every defendant's `id` and `legalName`, read for the whole page at once; without it the field is left out. Any other `expand` value is a 400.";

    public static IRuleBuilderOptions<T, string?> IsCaseExpansion<T>(this IRuleBuilder<T, string?> rule) =>
        rule.IsOneOf([Defendants]);

    /// <summary>The same cases with their defendants' names, read for all of them in one query (not one per case).</summary>
    public static async Task<IReadOnlyList<CaseDto>> WithDefendantsAsync(DbSession db, IReadOnlyList<CaseDto> cases, CancellationToken ct)
    {
        if (cases.Count == 0)
        {
            return cases;
        }

        var defendants = (await db.QueryAsync<Row>(DefendantsSql, new { ids = cases.Select(c => c.Id).ToArray() }, ct))
            .ToLookup(r => r.CaseId, r => new CaseDefendantDto { Id = r.Id, LegalName = r.LegalName });
        return cases.Select(c => c with { Defendants = defendants[c.Id].ToArray() }).ToArray();
    }

    /// <summary>Ordered by defendant id, as <c>defendantIds</c> is; the plan test runs exactly this.</summary>
    internal const string DefendantsSql = """
        SELECT cd.case_id, d.id, d.legal_name
        FROM case_defendants cd
        JOIN defendants d ON d.organisation_id = cd.organisation_id AND d.id = cd.defendant_id
        WHERE cd.organisation_id = current_organisation_id() AND cd.case_id = ANY (@ids)
        ORDER BY cd.case_id, d.id
        """;

    private sealed record Row
    {
        public Guid CaseId { get; init; }

        public Guid Id { get; init; }

        public required string LegalName { get; init; }
    }
}
