using System.Globalization;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static partial class ListLetters
{
    public sealed record Query(int Limit, string? Cursor, string? Direction, string? Status, Guid? DefendantId, Guid? DpaId, string? SentAfter)
        : IQuery<Page<LetterDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
            RuleFor(q => q.Direction).IsNameOf<Query, LetterDirection>();
            RuleFor(q => q.Status).IsNameOf<Query, LetterStatus>();
            RuleFor(q => q.SentAfter).Must(value => value is null || Instant(value) is not null)
                .WithMessage("An instant with its offset, e.g. 2026-04-30T00:00:00Z or 2026-04-30T00:00:00%2B02:00 (a + must be sent as %2B).")
                .DependentRules(() => RuleFor(q => Instant(q.SentAfter)).IsWithinDateBounds().OverridePropertyName("sentAfter"));
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<LetterDto>>
    {
        public async Task<Page<LetterDto>> Handle(Query query, CancellationToken ct)
        {
            var letters = await LetterReader.ToDtosAsync(db, await db.QueryAsync<LetterRow>(Sql, Parameters(query), ct), ct);
            return Infrastructure.Json.Cursor.ToPage(letters, query.Limit, l => l.Id);
        }
    }

    /// <summary>
    /// In the order the letters were recorded (version-7 ids), like a case's letters. Every filter has an index of its
    /// own (migration 0029); the plan test runs exactly this. Only sent letters have a <c>sent_at</c>: drafts and
    /// incoming letters never match <c>sentAfter</c>.
    /// </summary>
    internal const string Sql = $"""
        SELECT {LetterRow.Columns} FROM letters
        WHERE organisation_id = current_organisation_id()
          AND (@after::uuid IS NULL OR id > @after)
          AND (@direction::text IS NULL OR direction = @direction)
          AND (@status::text IS NULL OR status = @status)
          AND (@defendantId::uuid IS NULL OR defendant_id = @defendantId)
          AND (@dpaId::uuid IS NULL OR dpa_id = @dpaId)
          AND (@sentAfter::timestamptz IS NULL OR sent_at > @sentAfter)
        ORDER BY id
        LIMIT @take
        """;

    internal static object Parameters(Query query)
    {
        Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
        return new
        {
            after = string.IsNullOrEmpty(query.Cursor) ? (Guid?)null : after, direction = query.Direction, status = query.Status,
            query.DefendantId, query.DpaId, sentAfter = Instant(query.SentAfter), take = query.Limit + 1,
        };
    }

    // RFC 3339 with its offset, as every instant the API takes: a bare date or a local time would have to be read in
    // some time zone, and the server's is no answer a lawyer could predict.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    private static DateTimeOffset? Instant(string? value) =>
        value is not null && Rfc3339().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant)
            ? instant
            : null;

    internal static void Map(RouteGroupBuilder letters) => letters.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor,
            string? direction, string? status, Guid? defendantId, Guid? dpaId, string? sentAfter) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, direction, status, defendantId, dpaId, sentAfter), ct))
        .WithName("ListLetters")
        .WithSummary("List letters")
        .WithDescription("""
            The organisation's correspondence across all cases, in and out, in the order it was recorded, each with its deadline and attachments' metadata.
            Filters, all optional and combined with AND: `direction` (`outgoing`, `incoming`); `status` (`draft`, `sending`, `failed`, `sent`, `received`);
            `defendantId` (letters to or from that defendant); `dpaId` (letters to or from that authority); `sentAfter`, an instant
            with its offset (RFC 3339, e.g. `2026-04-30T00:00:00Z`; send `+` as `%2B`): letters sent strictly after it, so only sent
            outgoing letters (drafts and incoming letters have no sending time). An unknown value or a bad instant is a 400 naming the parameter.
            """);
}
