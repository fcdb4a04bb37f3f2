using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Authenticates the <c>token</c> query parameter of a calendar feed. Calendar clients cannot send headers, so the
/// token sits in the URL; it is a read-only feed token, never an API key, and it is revocable.
/// </summary>
public sealed class FeedTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    CallerContext caller)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CalendarFeedToken";
    public const string Policy = "calendar-feed";
    public const string FeedIdClaim = "calendar_feed_id";

    private sealed record FeedRow
    {
        public Guid Id { get; init; }

        public Guid OrganisationId { get; init; }

        public required byte[] SecretHash { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = Request.Query["token"];
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var feed = await PrefixedSecret.FindAsync<FeedRow>(dataSource, token, PrefixedSecret.FeedTokenScheme, "caseapi.feed_token_prefix",
            "SELECT id, organisation_id, secret_hash, revoked_at FROM calendar_feeds WHERE prefix = @prefix", row => row.SecretHash, Context.RequestAborted);
        if (feed is null || feed.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("Unknown or revoked calendar feed token.");
        }

        caller.AuthenticateFeed(feed.OrganisationId);
        var identity = new ClaimsIdentity([new Claim(FeedIdClaim, feed.Id.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
