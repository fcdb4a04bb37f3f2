using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.CalendarFeeds;

public static class CreateCalendarFeed
{
    /// <summary>A new calendar feed.</summary>
    public sealed record Command : ICommand<CreatedCalendarFeedDto>, IHasSecretResponse
    {
        /// <summary>Whose calendar it is for.</summary>
        /// <example>Legal team calendar</example>
        public required string Name { get; init; }
    }

    /// <summary>A feed as created: subscribe to <c>url</c>. Its token is shown this once.</summary>
    /// <param name="Feed">The feed's record.</param>
    /// <param name="Url">The address to subscribe to, with the token in it.</param>
    /// <param name="Token">The feed's token alone.</param>
    public sealed record CreatedCalendarFeedDto(CalendarFeedDto Feed, string Url, string Token);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Name).NotEmpty().IsShortText(200);
    }

    internal sealed class Handler(DbSession db, PublicLinks links, TimeProvider clock) : IRequestHandler<Command, CreatedCalendarFeedDto>
    {
        public async Task<CreatedCalendarFeedDto> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var token = PrefixedSecret.Generate(PrefixedSecret.FeedTokenScheme);
            var feed = await db.QuerySingleAsync<CalendarFeedDto>($"""
                INSERT INTO calendar_feeds (id, organisation_id, name, prefix, secret_hash, created_at)
                VALUES (@id, current_organisation_id(), @Name, @prefix, @hash, @now)
                RETURNING {CalendarFeedDto.Columns}
                """, new { id = Guid.CreateVersion7(now), cmd.Name, prefix = token.Prefix, hash = token.Hash(), now }, ct);
            return new CreatedCalendarFeedDto(feed, links.Absolute($"/v1/deadlines/calendar.ics?token={Uri.EscapeDataString(token.Plaintext)}"), token.Plaintext);
        }
    }

    internal static void Map(RouteGroupBuilder feeds) => feeds.MapPost("", async (Command cmd, IMediator mediator, CancellationToken ct) =>
        {
            var created = await mediator.Send(cmd, ct);
            return Results.Created($"/v1/calendar-feeds/{created.Feed.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("CreateCalendarFeed")
        .WithSummary("Create a calendar feed")
        .WithDescription("A read-only iCalendar feed of the organisation's open deadlines. Calendar clients cannot send headers, so the feed URL carries its own token (never an API key); it is shown once and can be revoked.")
        .Produces<CreatedCalendarFeedDto>(StatusCodes.Status201Created);
}
