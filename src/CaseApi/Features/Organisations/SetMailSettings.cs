using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using FluentValidation;
using FluentValidation.Results;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class SetMailSettings
{
    public sealed record Command(int? ExpectedVersion, MailSettingsFields Settings) : ICommand<MailSettingsDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(MailHosts hosts) => RuleFor(c => c.Settings).SetValidator(new MailSettingsFields.Validator(hosts));
    }

    internal sealed class Handler(DbSession db, SecretProtector secrets, TimeProvider clock) : IRequestHandler<Command, MailSettingsDto>
    {
        public async Task<MailSettingsDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await MailSettings.LoadAsync(db, ct, forUpdate: true);
            if (!EntityTags.Matches(cmd.ExpectedVersion, current?.Version ?? 0))
            {
                throw Stale();
            }

            var m = cmd.Settings;
            var smtpPassword = Password("smtp", m.Smtp, current?.SmtpHost, current?.SmtpUser, current?.SmtpPassword);
            var imapPassword = Password("imap", m.Imap, current?.ImapHost, current?.ImapUser, current?.ImapPassword);
            // If-Match "0" inserts and finds no row to update; a version (checked above, the row locked) or "*" replaces. Of two
            // admins both sending "0", the second finds the first's row and gets the 412.
            var written = await db.QuerySingleOrDefaultAsync<MailSettings.Row>($"""
                INSERT INTO organisation_mail_settings (organisation_id, {MailSettings.Columns})
                VALUES (current_organisation_id(), @FromAddress, @FromName, @ReplyAddressPattern,
                    @smtpHost, @smtpPort, @smtpTls, @smtpUser, @smtpPassword, @smtpCertificate,
                    @imapHost, @imapPort, @imapTls, @imapUser, @imapPassword, @imapCertificate, @folder,
                    @poll, 1, @now)
                ON CONFLICT (organisation_id) DO UPDATE SET
                    from_address = EXCLUDED.from_address, from_name = EXCLUDED.from_name, reply_address_pattern = EXCLUDED.reply_address_pattern,
                    smtp_host = EXCLUDED.smtp_host, smtp_port = EXCLUDED.smtp_port, smtp_tls = EXCLUDED.smtp_tls, smtp_user = EXCLUDED.smtp_user,
                    smtp_password = EXCLUDED.smtp_password, smtp_trusted_certificate = EXCLUDED.smtp_trusted_certificate,
                    imap_host = EXCLUDED.imap_host, imap_port = EXCLUDED.imap_port, imap_tls = EXCLUDED.imap_tls, imap_user = EXCLUDED.imap_user,
                    imap_password = EXCLUDED.imap_password, imap_trusted_certificate = EXCLUDED.imap_trusted_certificate, imap_folder = EXCLUDED.imap_folder,
                    poll_interval_minutes = EXCLUDED.poll_interval_minutes, version = organisation_mail_settings.version + 1, updated_at = EXCLUDED.updated_at
                WHERE @ExpectedVersion::integer IS DISTINCT FROM 0
                RETURNING {MailSettings.Columns}
                """,
                new
                {
                    m.FromAddress, m.FromName, m.ReplyAddressPattern, cmd.ExpectedVersion,
                    smtpHost = m.Smtp.Host, smtpPort = m.Smtp.Port ?? MailSettings.DefaultSmtpPort(m.Smtp.Tls), smtpTls = SnakeCase.From(m.Smtp.Tls),
                    smtpUser = m.Smtp.User, smtpPassword, smtpCertificate = MailSettings.Fingerprint(m.Smtp.TrustedCertificateSha256),
                    imapHost = m.Imap.Host, imapPort = m.Imap.Port ?? MailSettings.DefaultImapPort(m.Imap.Tls), imapTls = SnakeCase.From(m.Imap.Tls),
                    imapUser = m.Imap.User, imapPassword, imapCertificate = MailSettings.Fingerprint(m.Imap.TrustedCertificateSha256),
                    folder = m.Imap.Folder ?? MailSettings.DefaultFolder, poll = m.PollIntervalMinutes ?? MailSettings.DefaultPoll, now = clock.GetUtcNow(),
                },
                ct);
            return written?.ToDto() ?? throw Stale();
        }

        /// <summary>
        /// The password to store, encrypted: the one given, else the stored one while host and user stay the same. A stored password
        /// follows no change of host or user: else an admin (or a stolen admin key) could point the settings at another server, leave
        /// the password out, and have the connection test hand it over there.
        /// </summary>
        private string? Password(string server, MailServerFields fields, string? storedHost, string? storedUser, string? stored)
        {
            if (fields.Password is { } given)
            {
                return secrets.Protect(given);
            }

            if (fields.User is null)
            {
                return null;
            }

            if (stored is not null && string.Equals(storedHost, fields.Host, StringComparison.OrdinalIgnoreCase) && storedUser == fields.User)
            {
                return stored;
            }

            throw new ValidationException([new ValidationFailure($"{server}.password", stored is null
                ? "Required with a user."
                : "Required again: the host or user changed, and a stored password is only ever sent to the server and user it was given for.")]);
        }

        private static PreconditionFailedException Stale() => new(
            "The mail settings have changed since you read them: GET them again and send their ETag in If-Match (\"0\" while none are set).");
    }

    internal static void Map(RouteGroupBuilder mail) => mail.MapVersionedChange(HttpMethods.Put, "", (int? version, MailSettingsFields body) => new Command(version, body))
        .RequireAuthorization(Policies.Admin)
        .WithName("SetMailSettings")
        .WithSummary("Set the organisation's mail servers")
        .WithDescription("""
            Admins set the SMTP server that sends letters by e-mail, the IMAP mailbox whose folder is watched for replies, the sender
            address, the reply address pattern with the case's `{token}`, and how often the mailbox is looked into. Replaces every field.
            Passwords are stored encrypted and never returned (`passwordSet` says whether one is stored); leave one out to keep the stored
            one, which works only while that server's `host` and `user` stay the same (a stored password is never sent anywhere else).
            `tls` `none` is refused with a user and password unless the server is on the loopback interface. A server with a self-signed
            certificate needs `trustedCertificateSha256`. Private, loopback and link-local hosts are refused unless the installation allows
            them. `POST /v1/organisation/mail/test` tries the stored settings. Requires `If-Match`: "0" for the first settings, else their
            ETag (412 when stale), or `*`.
            """)
        .Produces<MailSettingsDto>();
}
