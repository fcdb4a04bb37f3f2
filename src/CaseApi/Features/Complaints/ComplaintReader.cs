using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Complaints;

/// <summary>Reads complaints as the API returns them, with complainants only for keys that may see personal data.</summary>
internal static class ComplaintReader
{
    public static bool MaySeePersonalData(CallerContext caller) => caller.Role is ApiKeyRole.Admin or ApiKeyRole.Lawyer;

    public static async Task<ComplaintDto?> LoadAsync(DbSession db, CallerContext caller, Guid id, CancellationToken ct, bool forUpdate = false)
    {
        var complaint = await db.QuerySingleOrDefaultAsync<ComplaintDto>(
            $"SELECT {ComplaintDto.Columns} FROM complaints WHERE id = @id AND organisation_id = current_organisation_id(){(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, ct);
        if (complaint is null)
        {
            return null;
        }

        var complainants = MaySeePersonalData(caller)
            ? await db.QueryAsync<ComplainantDto>(
                $"SELECT {ComplainantDto.Columns} FROM complainants WHERE organisation_id = current_organisation_id() AND complaint_id = @id ORDER BY id",
                new { id }, ct)
            : null;
        return complaint with { Complainants = complainants };
    }
}
