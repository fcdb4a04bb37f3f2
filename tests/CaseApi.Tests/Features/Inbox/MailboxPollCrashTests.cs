using System.Text;
using CaseApi.Tests.Features.Organisations;
using Dapper;
using static CaseApi.Tests.Support.MailMessages;

namespace CaseApi.Tests.Features.Inbox;

/// <summary>
/// The real API with its job server, polling Dovecot one message per run, killed with SIGKILL while it works through the folder: nothing
/// of a poll lives only in the dead process. After a restart the poller goes on from the cursor the dead one left (the UID state is in
/// the database), once its lease has run out, and every message ends up in the inbox exactly once: a message imported without moving the
/// cursor would be read again, refused by the unique indexes, and block the folder.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MailboxPollCrashTests(MailboxPollCrashTests.Loopback api, Dovecot dovecot) : IClassFixture<MailboxPollCrashTests.Loopback>, IClassFixture<Dovecot>
{
    private const int Messages = 12;

    public sealed class Loopback : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Mail:AllowPrivateAddresses"] = "true" };
    }

    [Fact]
    public async Task An_API_killed_while_polling_imports_every_message_once_after_restart()
    {
        var organisation = await api.CreateOrganisationAsync("Mailbox crash test");
        const string folder = "CrashTest";
        foreach (var n in Enumerable.Range(1, Messages))
        {
            await dovecot.DeliverAsync(Encoding.UTF8.GetString(Bytes(Reply($"Anfrage {n}", "Bitte um Rückruf."))), folder);
        }

        var settings = new Dictionary<string, string>
        {
            ["Mode"] = "all",
            ["Mail__AllowPrivateAddresses"] = "true",
            ["Jobs__MailPollCron"] = "* * * * * *",
            // One message per run, so that the kill falls between two of them or in the middle of one, not after the last.
            ["Jobs__MailPollBatchSize"] = "1",
            // Short, so that the test does not wait ten minutes for the dead poller's lease.
            ["Jobs__MailPollLeaseSeconds"] = "5",
        };

        await using (var first = await ServedApi.StartAsync(api.Database, settings))
        {
            using var admin = first.Client(organisation.AdminKey);
            using var put = await MailApi.PutAsync(admin, new
            {
                fromAddress = "cases@ngo.example", replyAddressPattern = "cases+{token}@ngo.example", pollIntervalMinutes = 1,
                smtp = new { host = "127.0.0.1", port = 25, tls = "none" },
                imap = new { host = "127.0.0.1", port = dovecot.ImapsPort, tls = "tls", user = Dovecot.User, password = dovecot.Password, folder, trustedCertificateSha256 = dovecot.Certificate.Sha256 },
            }, "\"0\"");
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

            await Poll.UntilAsync(async () => await InboxCountAsync(organisation.Id) >= 3, "three messages imported", () => first.OutputTail());
            first.Process.Kill(entireProcessTree: true);
        }

        var beforeRestart = await InboxCountAsync(organisation.Id);
        await using (var second = await ServedApi.StartAsync(api.Database, settings))
        {
            await Poll.UntilAsync(async () => await InboxCountAsync(organisation.Id) == Messages, "every message after the restart", () => second.OutputTail(), TimeSpan.FromSeconds(120));
        }

        Assert.InRange(beforeRestart, 3, Messages - 1);
        await using var superUser = await api.OpenAsSuperUserAsync();
        // Dovecot numbers the messages in the order it finds their files, which need not be the order of delivery.
        var subjects = (await superUser.QueryAsync<string>("SELECT subject FROM inbox_messages WHERE organisation_id = @Id", organisation)).Order();
        Assert.Equal(Enumerable.Range(1, Messages).Select(n => $"Anfrage {n}").Order(), subjects);
        Assert.Equal((long)Messages, await superUser.QuerySingleAsync<long>("SELECT last_uid FROM mailbox_cursors WHERE organisation_id = @Id", organisation));
    }

    private async Task<int> InboxCountAsync(Guid organisationId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<int>("SELECT count(*)::int FROM inbox_messages WHERE organisation_id = @organisationId", new { organisationId });
    }
}
