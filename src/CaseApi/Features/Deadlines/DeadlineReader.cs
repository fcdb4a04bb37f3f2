using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Deadlines;

internal static class DeadlineReader
{
    public static async Task<DeadlineDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        (await LoadRowAsync(db, id, ct, forUpdate))?.ToDto();

    /// <summary>The row, with what the law's arithmetic needs beyond the DTO (the unmoved last day, the extension).</summary>
    public static Task<DeadlineRow?> LoadRowAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        db.QuerySingleOrDefaultAsync<DeadlineRow>(
            $"SELECT {DeadlineRow.Columns} FROM deadlines WHERE id = @id AND organisation_id = current_organisation_id(){(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, ct);

    /// <summary>Deadlines as <c>GET /v1/deadlines/{id}</c> returns them, in one query; ids not found are left out.</summary>
    public static async Task<IReadOnlyDictionary<Guid, DeadlineDto>> LoadManyAsync(DbSession db, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        (await db.QueryAsync<DeadlineRow>(
            $"SELECT {DeadlineRow.Columns} FROM deadlines WHERE id = ANY (@ids) AND organisation_id = current_organisation_id()", new { ids = ids.ToArray() }, ct))
        .ToDictionary(r => r.Id, r => r.ToDto());
}
