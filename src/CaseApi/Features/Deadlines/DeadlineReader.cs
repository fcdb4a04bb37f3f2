using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Deadlines;

internal static class DeadlineReader
{
    public static async Task<DeadlineDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        (await db.QuerySingleOrDefaultAsync<DeadlineRow>(
            $"SELECT {DeadlineRow.Columns} FROM deadlines WHERE id = @id AND organisation_id = current_organisation_id(){(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, ct))?.ToDto();
}
