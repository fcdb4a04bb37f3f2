using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.ApiKeys;

public static class ListApiKeys
{
    public sealed record Query(int Limit, string? Cursor, bool IncludeRevoked) : IQuery<Page<ApiKeyDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<ApiKeyDto>>
    {
        public async Task<Page<ApiKeyDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
            // Version-7 ids grow with creation time, so the id alone is a stable keyset.
            var rows = await db.QueryAsync<ApiKeyDto>($"""
                SELECT {ApiKeyDto.Columns} FROM api_keys
                WHERE organisation_id = current_organisation_id() AND (@after IS NULL OR id > @after) AND (@includeRevoked OR revoked_at IS NULL)
                ORDER BY id
                LIMIT @take
                """, new { after = query.Cursor is null ? (Guid?)null : after, query.IncludeRevoked, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Id);
        }
    }

    internal static void Map(RouteGroupBuilder keys) => keys.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, bool? includeRevoked) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, includeRevoked ?? false), ct))
        .WithName("ListApiKeys")
        .WithSummary("List API keys")
        .WithDescription("The organisation's keys, oldest first, without their secrets. Revoked keys are left out unless `includeRevoked=true`.");
}
