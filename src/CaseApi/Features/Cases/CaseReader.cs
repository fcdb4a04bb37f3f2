using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Cases;

/// <summary>Reads cases as the API returns them, for every slice that returns or publishes one.</summary>
internal static class CaseReader
{
    /// <summary>One case; the load benchmark's bare baseline runs exactly this text.</summary>
    internal const string Sql = $"SELECT {CaseDto.Columns} FROM cases c WHERE c.id = @id AND c.organisation_id = current_organisation_id()";

    /// <summary>The case, read inside the caller's transaction (also after a change); <paramref name="forUpdate"/> locks it until commit.</summary>
    public static Task<CaseDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        db.QuerySingleOrDefaultAsync<CaseDto>(forUpdate ? $"{Sql} FOR UPDATE OF c" : Sql, new { id }, ct);

    /// <summary>Cases in one query; ids not found are left out.</summary>
    public static async Task<IReadOnlyDictionary<Guid, CaseDto>> LoadManyAsync(DbSession db, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        (await db.QueryAsync<CaseDto>(
            $"SELECT {CaseDto.Columns} FROM cases c WHERE c.id = ANY (@ids) AND c.organisation_id = current_organisation_id()", new { ids = ids.ToArray() }, ct))
        .ToDictionary(c => c.Id);
}
