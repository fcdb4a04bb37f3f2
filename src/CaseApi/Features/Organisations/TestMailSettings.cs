using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class TestMailSettings
{
    /// <summary>Changes nothing: a query, whose read-only transaction stays open while the servers are tried (a few seconds, at most twice <see cref="MailConnector.StepTimeout"/> per step).</summary>
    public sealed record Query : IQuery<MailSettingsTestDto>;

    internal sealed class Handler(DbSession db, SecretProtector secrets, MailConnector connector, ILogger<Handler> log)
        : IRequestHandler<Query, MailSettingsTestDto>
    {
        public async Task<MailSettingsTestDto> Handle(Query query, CancellationToken ct)
        {
            var row = await MailSettings.LoadAsync(db, ct) ?? throw MailSettings.NotSet();
            var smtp = connector.TryAsync(row.Smtp(secrets), folder: null, ct);
            var imap = connector.TryAsync(row.Imap(secrets), row.ImapFolder, ct);
            var report = new MailSettingsTestDto { Smtp = await smtp, Imap = await imap };
            log.LogInformation("Mail settings test: SMTP {SmtpStage}, IMAP {ImapStage}", report.Smtp.Stage, report.Imap.Stage);
            return report;
        }
    }

    internal static void Map(RouteGroupBuilder mail) => mail.MapPost("test", async (IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new Query(), ct)))
        .RequireAuthorization(Policies.Admin)
        .WithName("TestMailSettings")
        .WithSummary("Try the organisation's mail servers")
        .WithDescription("""
            Connects to the stored SMTP and IMAP servers as sending and reading the mailbox will: resolves the host, connects, secures
            the connection (`tls`, `starttls`), logs in, opens the IMAP folder, and quits. Sends no message and changes nothing. Each server's
            `stage` says where it stopped (`dns`, `connect`, `tls`, `protocol`, `auth`, `folder`) or `ok`, and `detail` explains, without any
            password. A certificate that is not valid for the host is reported with its SHA-256 fingerprint, for `trustedCertificateSha256`.
            Each step times out after 10 seconds. A 404 while no settings are stored.
            """)
        .Produces<MailSettingsTestDto>()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
