using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class GetMailSettings
{
    public sealed record Query : IQuery<MailSettingsDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, MailSettingsDto>
    {
        public async Task<MailSettingsDto> Handle(Query query, CancellationToken ct) =>
            (await MailSettings.LoadAsync(db, ct))?.ToDto() ?? throw MailSettings.NotSet();
    }

    // Admins only: host names, users and ports describe the organisation's infrastructure, which lawyers do not need to see.
    internal static void Map(RouteGroupBuilder mail) => mail.MapGet("", async (IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(), ct)))
        .RequireAuthorization(Policies.Admin)
        .WithName("GetMailSettings")
        .WithSummary("Get the organisation's mail servers")
        .WithDescription("""
            The SMTP and IMAP settings with their `ETag`, for admins; passwords are never returned (`passwordSet`). A 404 until an admin
            sets them with `PUT /v1/organisation/mail` and `If-Match: "0"`.
            """)
        .Produces<MailSettingsDto>()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
