namespace CaseApi.Infrastructure.Data;

/// <summary>What erasing a person's data (GDPR Art. 17) does beyond their own row, whichever table holds them.</summary>
public static class PersonalDataErasure
{
    /// <summary>
    /// Responses kept for Idempotency-Key replays carry the person's data wherever their id appears: they go too, and a replay
    /// says so instead (IdempotencyBehavior).
    /// </summary>
    public static Task ForgetReplaysAsync(DbSession db, Guid personId, CancellationToken ct) => db.ExecuteAsync("""
        UPDATE idempotency_keys SET response = NULL, response_erased = true
        WHERE organisation_id = current_organisation_id() AND jsonb_path_exists(response, 'strict $.** ? (@ == $id)', jsonb_build_object('id', @id::text))
        """, new { id = personId }, ct);
}
