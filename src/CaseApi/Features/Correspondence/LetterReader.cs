using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Correspondence;

/// <summary>Reads letters as the API returns them: with the deadline they set and their attachments' metadata.</summary>
internal static class LetterReader
{
    private sealed record AttachmentRow
    {
        public Guid LetterId { get; init; }

        public Guid Id { get; init; }

        public required string FileName { get; init; }

        public required string ContentType { get; init; }

        public long Size { get; init; }

        public required byte[] Sha256 { get; init; }
    }

    /// <summary>
    /// A draft about to change or go out: 404, 412 for a stale version, 409 for a letter already sent or received (or being sent).
    /// <paramref name="failedToo"/>: a letter whose delivery failed may go out again.
    /// </summary>
    public static async Task<LetterDto> LoadDraftForChangeAsync(DbSession db, Guid id, int? expectedVersion, string change, CancellationToken ct, bool failedToo = false)
    {
        var letter = await LoadAsync(db, id, ct, forUpdate: true) ?? throw new NotFoundException("letter", id);
        EntityTags.Require(expectedVersion, letter.Version, "letter", id);

        return letter.Status == LetterStatus.Draft || (failedToo && letter.Status == LetterStatus.Failed)
            ? letter
            : throw new ConflictException("letter_not_draft",
                $"Letter {id} is {SnakeCase.From(letter.Status)}; only drafts{(failedToo ? " and letters whose delivery failed" : "")} can be {change}.");
    }

    /// <summary>The letter, read inside the caller's transaction (also after a change); <paramref name="forUpdate"/> locks it until commit.</summary>
    public static async Task<LetterDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        (await ToDtosAsync(db, await db.QueryAsync<LetterRow>(
            $"SELECT {LetterRow.Columns} FROM letters WHERE organisation_id = current_organisation_id() AND id = @id{(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, ct), ct)).SingleOrDefault();

    /// <summary>The rows (a list's page) as DTOs, with the deadlines and attachments of all of them read in two queries.</summary>
    public static async Task<IReadOnlyList<LetterDto>> ToDtosAsync(DbSession db, IReadOnlyList<LetterRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToArray();
        // The kinds spelled as the one-per-letter unique index's predicate, so that the planner can use that index: with
        // "kind <> 'dpa_progress'" (the same rows) it read all of the organisation's deadlines for every letter read or sent.
        var deadlines = (await db.QueryAsync<DeadlineRow>(
                $"SELECT {DeadlineRow.Columns} FROM deadlines WHERE organisation_id = current_organisation_id() AND letter_id = ANY (@ids) AND kind IN ('response', 'data_subject_request')",
                new { ids }, ct))
            .ToDictionary(d => d.LetterId!.Value, d => d.ToDto());
        var attachments = (await db.QueryAsync<AttachmentRow>("""
                SELECT letter_id, id, file_name, content_type, size, sha256 FROM letter_attachments
                WHERE organisation_id = current_organisation_id() AND letter_id = ANY (@ids) ORDER BY id
                """, new { ids }, ct))
            .ToLookup(a => a.LetterId, a => new AttachmentDto { Id = a.Id, FileName = a.FileName, ContentType = a.ContentType, Size = a.Size, Sha256 = Convert.ToHexStringLower(a.Sha256) });
        return rows.Select(r => r.ToDto(deadlines.GetValueOrDefault(r.Id), attachments[r.Id].ToArray())).ToArray();
    }
}
