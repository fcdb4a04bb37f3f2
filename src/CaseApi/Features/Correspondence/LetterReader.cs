using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using Dapper;

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

    // The kinds spelled as the one-per-letter unique index's predicate, so that the planner can use that index: with
    // "kind <> 'dpa_progress'" (the same rows) it read all of the organisation's deadlines for every letter read or sent.
    // One letter's is read with "= @id": for "= ANY (@ids)" a generic plan assumes ten letters, so PostgreSQL planned the
    // statement anew for every letter read or sent (195 µs of planning for 12 µs of reading, pg_stat_statements).
    private static string DeadlinesSql(string letters) => $"""
        SELECT {DeadlineRow.Columns} FROM deadlines
        WHERE organisation_id = current_organisation_id() AND letter_id {letters} AND kind IN ('response', 'data_subject_request')
        """;

    private const string AttachmentsSql = """
        SELECT letter_id, id, file_name, content_type, size, sha256 FROM letter_attachments
        WHERE organisation_id = current_organisation_id() AND letter_id = ANY (@ids) ORDER BY id
        """;

    /// <summary>
    /// The letter, read inside the caller's transaction (also after a change); <paramref name="forUpdate"/> locks it until commit.
    /// One round trip (issue 16): the letter, locked first when asked, then the deadline it set and its attachments.
    /// </summary>
    public static async Task<LetterDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false)
    {
        await using var results = await db.QueryMultipleAsync($"""
            SELECT {LetterRow.Columns} FROM letters WHERE organisation_id = current_organisation_id() AND id = @id{(forUpdate ? " FOR UPDATE" : "")};
            {DeadlinesSql("= @id")};
            {AttachmentsSql}
            """, new { id, ids = new[] { id } }, ct);
        var rows = (await results.ReadAsync<LetterRow>()).AsList();
        return (await AssembleAsync(rows, results)).SingleOrDefault();
    }

    /// <summary>The rows (a list's page) as DTOs, with the deadlines and attachments of all of them read in one round trip.</summary>
    public static async Task<IReadOnlyList<LetterDto>> ToDtosAsync(DbSession db, IReadOnlyList<LetterRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        await using var results = await db.QueryMultipleAsync($"{DeadlinesSql("= ANY (@ids)")};\n{AttachmentsSql}",
            new { ids = rows.Select(r => r.Id).ToArray() }, ct);
        return await AssembleAsync(rows, results);
    }

    /// <summary>The rows with the deadlines and attachments that <paramref name="results"/> holds next, in that order.</summary>
    private static async Task<IReadOnlyList<LetterDto>> AssembleAsync(IReadOnlyList<LetterRow> rows, SqlMapper.GridReader results)
    {
        var deadlines = (await results.ReadAsync<DeadlineRow>()).ToDictionary(d => d.LetterId!.Value, d => d.ToDto());
        var attachments = (await results.ReadAsync<AttachmentRow>())
            .ToLookup(a => a.LetterId, a => new AttachmentDto { Id = a.Id, FileName = a.FileName, ContentType = a.ContentType, Size = a.Size, Sha256 = Convert.ToHexStringLower(a.Sha256) });
        return rows.Select(r => r.ToDto(deadlines.GetValueOrDefault(r.Id), attachments[r.Id].ToArray())).ToArray();
    }
}
