using System.Net.Sockets;
using CaseApi.Features.Organisations;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Secrets;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.Organisations;

/// <summary>
/// Issue 15 point 1: the organisation's mail settings as stored (GET/PUT /v1/organisation/mail) and the address rules of the
/// connection test, in an installation that allows no private addresses, with a fake DNS (no name is looked up for real).
/// </summary>
public sealed class MailSettingsTests(MailSettingsTests.FakeDns api) : IClassFixture<MailSettingsTests.FakeDns>
{
    private const string SmtpPassword = "smtp-Pa55-7c1d0e9f";
    private const string ImapPassword = "imap-Pa55-3b8a2f41";

    public sealed class FakeDns : CaseApiFactory
    {
        public static readonly IReadOnlyDictionary<string, IPAddress[]> Names = new Dictionary<string, IPAddress[]>
        {
            ["intranet.example.org"] = [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5")],
            ["metadata.example.org"] = [IPAddress.Parse("169.254.169.254")],
            ["here.example.org"] = [IPAddress.Loopback],
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ResolveHost>((host, _) =>
                Names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound)));
        }
    }

    [Fact]
    public async Task Settings_round_trip_without_a_password_in_any_answer_and_are_stored_encrypted()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        using var put = await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "starttls", SmtpPassword), Mailbox("imap.ngo.example", "tls", ImapPassword)), "\"0\"");
        using var get = await admin.GetAsync(MailApi.Path);

        foreach (var response in new[] { put, get })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
            Assert.DoesNotContain(SmtpPassword, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ImapPassword, text, StringComparison.Ordinal);
            var settings = JsonSerializer.Deserialize<MailSettingsDto>(text, JsonSetup.Api)!;
            Assert.Equal(("mail.ngo.example", 587, MailTls.Starttls, "cases@ngo.example", true), (settings.Smtp.Host, settings.Smtp.Port, settings.Smtp.Tls, settings.Smtp.User, settings.Smtp.PasswordSet));
            Assert.Equal(("imap.ngo.example", 993, MailTls.Tls, "INBOX", true), (settings.Imap.Host, settings.Imap.Port, settings.Imap.Tls, settings.Imap.Folder, settings.Imap.PasswordSet));
            Assert.Equal(("cases@ngo.example", "cases+{token}@ngo.example", 5), (settings.FromAddress, settings.ReplyAddressPattern, settings.PollIntervalMinutes));
        }

        var (smtpStored, imapStored) = await StoredPasswordsAsync(organisation);
        Assert.StartsWith(SecretProtector.Marker, smtpStored, StringComparison.Ordinal);
        Assert.StartsWith(SecretProtector.Marker, imapStored, StringComparison.Ordinal);
        Assert.DoesNotContain("Pa55", smtpStored + imapStored, StringComparison.Ordinal);
        var protector = api.Services.GetRequiredService<SecretProtector>();
        Assert.Equal((SmtpPassword, ImapPassword), (protector.Unprotect(smtpStored!), protector.Unprotect(imapStored!)));
    }

    [Fact]
    public async Task The_settings_are_404_until_set_and_every_change_needs_the_current_version_or_a_star()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var body = MailApi.Body(Server("mail.ngo.example", "starttls", SmtpPassword), Mailbox("mail.ngo.example", "tls", ImapPassword));

        await ProblemAssert.IsProblemAsync(await admin.GetAsync(MailApi.Path), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await MailApi.PutAsync(admin, body, null), HttpStatusCode.PreconditionRequired, "precondition_required");
        await ProblemAssert.IsProblemAsync(await MailApi.PutAsync(admin, body, "\"1\""), HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(HttpStatusCode.OK, (await MailApi.PutAsync(admin, body, "\"0\"")).StatusCode);
        await ProblemAssert.IsProblemAsync(await MailApi.PutAsync(admin, body, "\"0\""), HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal("\"2\"", (await MailApi.PutAsync(admin, body, "\"1\"")).Headers.ETag?.Tag);
        await ProblemAssert.IsProblemAsync(await MailApi.PutAsync(admin, body, "\"1\""), HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal("\"3\"", (await MailApi.PutAsync(admin, body, "*")).Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_star_sets_the_first_settings_too()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        using var response = await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "tls", SmtpPassword), Mailbox("mail.ngo.example", "tls", ImapPassword)), "*");

        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("fromAddress", """{ "fromAddress": "Cases <cases@ngo.example>" }""")]
    [InlineData("fromAddress", """{ "fromAddress": "cases@localhost" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "cases@ngo.example" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "cases+{token}{token}@ngo.example" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "cases@{token}.ngo.example" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "cases{token}@ngo.example" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "cases+{token}x@ngo.example" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "cases+{token}@ngo example" }""")]
    [InlineData("replyAddressPattern", """{ "replyAddressPattern": "a-local-part-that-is-already-quite-long-before-the-token-{token}@ngo.example" }""")]
    [InlineData("pollIntervalMinutes", """{ "pollIntervalMinutes": 0 }""")]
    [InlineData("pollIntervalMinutes", """{ "pollIntervalMinutes": 61 }""")]
    [InlineData("smtp.host", """{ "smtp": { "host": "10.0.0.5", "tls": "tls" } }""")]
    [InlineData("smtp.host", """{ "smtp": { "host": "169.254.169.254", "tls": "tls" } }""")]
    [InlineData("smtp.host", """{ "smtp": { "host": "::ffff:127.0.0.1", "tls": "tls" } }""")]
    [InlineData("smtp.host", """{ "smtp": { "host": "localhost", "tls": "tls" } }""")]
    [InlineData("smtp.host", """{ "smtp": { "host": "mail.ngo.example:25", "tls": "tls" } }""")]
    [InlineData("smtp.port", """{ "smtp": { "host": "mail.ngo.example", "port": 70000, "tls": "tls" } }""")]
    [InlineData("smtp.tls", """{ "smtp": { "host": "mail.ngo.example", "tls": "none", "user": "cases", "password": "p" } }""")]
    [InlineData("smtp.user", """{ "smtp": { "host": "mail.ngo.example", "tls": "tls", "password": "p" } }""")]
    [InlineData("smtp.password", """{ "smtp": { "host": "mail.ngo.example", "tls": "tls", "user": "cases", "password": "p\r\nQUIT" } }""")]
    [InlineData("smtp.trustedCertificateSha256", """{ "smtp": { "host": "mail.ngo.example", "tls": "tls", "trustedCertificateSha256": "AB:CD" } }""")]
    [InlineData("smtp.trustedCertificateSha256", """{ "smtp": { "host": "mail.ngo.example", "tls": "none", "trustedCertificateSha256": "5F0B5A8E1E6C2B9D4A7F3C0E8D1B6A2F9E4C7B0A3D8F1E6C2B5A9D4F7E0C3B8A" } }""")]
    [InlineData("imap.user", """{ "imap": { "host": "mail.ngo.example", "tls": "tls", "password": "p" } }""")]
    [InlineData("imap.folder", """{ "imap": { "host": "mail.ngo.example", "tls": "tls", "user": "cases", "password": "p", "folder": "INBOX\r\nA1 DELETE INBOX" } }""")]
    public async Task An_invalid_field_is_a_400_naming_it(string field, string change)
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(
            MailApi.Body(Server("mail.ngo.example", "tls", SmtpPassword), Mailbox("mail.ngo.example", "tls", ImapPassword))))!.AsObject();
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(change)!.AsObject().ToArray())
        {
            body[name] = value?.DeepClone();
        }

        using var response = await MailApi.PutAsync(admin, body, "\"0\"");

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, field);
        Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.DoesNotContain("Pa55", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_without_its_required_fields_is_a_400_naming_each()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        using var response = await MailApi.PutAsync(admin, new { pollIntervalMinutes = 5 }, "\"0\"");

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "fromAddress");
        Assert.Equal(["fromAddress", "imap", "replyAddressPattern", "smtp"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_left_out_password_is_kept_while_host_and_user_stay_and_is_required_again_when_either_changes()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        await ProblemAssert.NamesInvalidFieldAsync(
            await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "tls", null), Mailbox("mail.ngo.example", "tls", ImapPassword)), "\"0\""), "smtp.password");
        Assert.Equal(HttpStatusCode.OK,
            (await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "tls", SmtpPassword), Mailbox("mail.ngo.example", "tls", ImapPassword)), "\"0\"")).StatusCode);
        var before = await StoredPasswordsAsync(organisation);

        // Same host (in other letters) and user, another port, mode and folder: both passwords stay.
        using var kept = await MailApi.PutAsync(admin, MailApi.Body(Server("MAIL.ngo.example", "starttls", null), Mailbox("mail.ngo.example", "starttls", null, folder: "Replies")), "*");
        var movedSmtp = await MailApi.PutAsync(admin, MailApi.Body(Server("mail.elsewhere.example", "tls", null), Mailbox("mail.ngo.example", "tls", null)), "*");
        var otherImapUser = await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "tls", null), Mailbox("mail.ngo.example", "tls", null, user: "someone-else")), "*");
        var otherSmtpUser = await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "tls", null, user: "someone-else"), Mailbox("mail.ngo.example", "tls", null)), "*");

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var settings = (await kept.Content.ReadFromJsonAsync<MailSettingsDto>(JsonSetup.Api))!;
        Assert.Equal((true, true, "Replies"), (settings.Smtp.PasswordSet, settings.Imap.PasswordSet, settings.Imap.Folder));
        Assert.Equal(before, await StoredPasswordsAsync(organisation));
        await ProblemAssert.NamesInvalidFieldAsync(movedSmtp, "smtp.password");
        await ProblemAssert.NamesInvalidFieldAsync(otherImapUser, "imap.password");
        await ProblemAssert.NamesInvalidFieldAsync(otherSmtpUser, "smtp.password");
        Assert.Equal(before, await StoredPasswordsAsync(organisation));
    }

    [Fact]
    public async Task An_smtp_relay_without_a_user_needs_no_password_and_then_has_none()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        await MailApi.PutAsync(admin, MailApi.Body(Server("mail.ngo.example", "tls", SmtpPassword), Mailbox("mail.ngo.example", "tls", ImapPassword)), "\"0\"");

        using var response = await MailApi.PutAsync(admin, MailApi.Body(Server("relay.ngo.example", "none", null, user: null), Mailbox("mail.ngo.example", "tls", null)), "*");

        var settings = (await response.Content.ReadFromJsonAsync<MailSettingsDto>(JsonSetup.Api))!;
        Assert.Equal((25, MailTls.None, null, false), (settings.Smtp.Port, settings.Smtp.Tls, settings.Smtp.User, settings.Smtp.PasswordSet));
        Assert.Null((await StoredPasswordsAsync(organisation)).Smtp);
    }

    [Fact]
    public async Task A_lawyer_can_neither_read_nor_set_nor_test_the_mail_settings()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));

        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync(MailApi.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await MailApi.PutAsync(lawyer, MailApi.Body(Server("mail.ngo.example", "tls", SmtpPassword), Mailbox("mail.ngo.example", "tls", ImapPassword)), "\"0\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.PostAsync(MailApi.TestPath, null)).StatusCode);
    }

    [Fact]
    public async Task Organisation_B_neither_sees_nor_tests_nor_changes_the_settings_of_A()
    {
        var a = await api.CreateOrganisationAsync("A");
        var b = await api.CreateOrganisationAsync("B");
        using var clientA = api.ClientFor(a.AdminKey);
        using var clientB = api.ClientFor(b.AdminKey);
        await MailApi.PutAsync(clientA, MailApi.Body(Server("mail.a.example", "tls", SmtpPassword), Mailbox("mail.a.example", "tls", ImapPassword)), "\"0\"");

        await ProblemAssert.IsProblemAsync(await clientB.GetAsync(MailApi.Path), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await clientB.PostAsync(MailApi.TestPath, null), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await MailApi.PutAsync(clientB, MailApi.Body(Server("mail.b.example", "tls", null), Mailbox("mail.b.example", "tls", null)), "\"1\""),
            HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(HttpStatusCode.OK,
            (await MailApi.PutAsync(clientB, MailApi.Body(Server("mail.b.example", "tls", "b-smtp"), Mailbox("mail.b.example", "tls", "b-imap")), "\"0\"")).StatusCode);

        var settingsA = (await clientA.GetFromJsonAsync<MailSettingsDto>(MailApi.Path, JsonSetup.Api))!;
        Assert.Equal(("mail.a.example", 1), (settingsA.Smtp.Host, settingsA.Version));
    }

    [Fact]
    public async Task The_test_connects_to_no_private_address_a_name_resolves_to_and_says_so_as_for_a_name_that_does_not_resolve()
    {
        using var certificate = new TestCertificate();
        await using var smtp = new LoopbackSmtp(certificate, SmtpPassword);
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var reports = new List<JsonElement>();
        // here.example.org stands for a name that has come to resolve to the loopback interface, where a server listens.
        foreach (var (smtpHost, imapHost) in new[] { ("here.example.org", "intranet.example.org"), ("metadata.example.org", "no-such-host.invalid") })
        {
            Assert.Equal(HttpStatusCode.OK, (await MailApi.PutAsync(admin,
                MailApi.Body(Server(smtpHost, "starttls", SmtpPassword, port: smtp.StartTlsPort), Mailbox(imapHost, "tls", ImapPassword)), "*")).StatusCode);
            reports.Add(await MailApi.TestAsync(admin));
        }

        Assert.All(reports.SelectMany(r => new[] { r.GetProperty("smtp"), r.GetProperty("imap") }), server =>
        {
            Assert.Equal(("dns", false), (server.GetProperty("stage").GetString(), server.GetProperty("ok").GetBoolean()));
            Assert.Equal(MailHosts.NoPublicAddress, server.GetProperty("detail").GetString());
        });
        Assert.Equal(0, smtp.Sessions);
    }

    private static object Server(string host, string tls, string? password, string? user = "cases@ngo.example", int? port = null) =>
        new { host, port, tls, user, password };

    private static object Mailbox(string host, string tls, string? password, string? user = "cases@ngo.example", string? folder = null, int? port = null) =>
        new { host, port, tls, user, password, folder };

    private async Task<(string? Smtp, string? Imap)> StoredPasswordsAsync(TestOrganisation organisation)
    {
        await using var owner = await api.OpenAsSuperUserAsync();
        return await owner.QuerySingleAsync<(string?, string?)>(
            "SELECT smtp_password, imap_password FROM organisation_mail_settings WHERE organisation_id = @Id", new { organisation.Id });
    }
}

/// <summary>The routes of the mail settings, for this class and <see cref="MailConnectionTests"/>.</summary>
internal static class MailApi
{
    public const string Path = "/v1/organisation/mail";
    public const string TestPath = "/v1/organisation/mail/test";

    public static object Body(object smtp, object imap, string replyAddressPattern = "cases+{token}@ngo.example") => new
    {
        fromAddress = "cases@ngo.example", fromName = "Verbraucherzentrale NRW", replyAddressPattern, smtp, imap, pollIntervalMinutes = 5,
    };

    public static async Task<HttpResponseMessage> PutAsync(HttpClient client, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            // Unparsed: EntityTagHeaderValue has no form for "*".
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> TestAsync(HttpClient client)
    {
        using var response = await client.PostAsync(TestPath, null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
