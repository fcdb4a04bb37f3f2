using CaseApi.Features.Webhooks;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>Webhooks as configured by an admin, with the default rule: public https addresses only.</summary>
public sealed class WebhookTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task The_signing_secret_is_shown_on_creation_and_rotation_and_never_again()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);

        var created = await client.CreatedAsync("/v1/webhooks", new { url = "https://cases.example.org/hook", eventTypes = new[] { "letter.sent" } });
        var id = created.GetProperty("webhook").Id();
        var secret = created.GetProperty("secret").GetString()!;
        var rotated = await client.PostAsync($"/v1/webhooks/{id}/rotate-secret", null);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        var one = await client.GetStringAsync($"/v1/webhooks/{id}");
        var list = await client.GetStringAsync("/v1/webhooks");

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.StartsWith("whsec_", newSecret, StringComparison.Ordinal);
        Assert.NotEqual(secret, newSecret);
        Assert.DoesNotContain("whsec_", one, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", list, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\"", one, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://[64:ff9b::a00:1]/hook")]
    [InlineData("https://[64:ff9b:1::a00:1]/hook")]
    [InlineData("https://[2002:a00:1::1]/hook")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook")]
    [InlineData("https://[::a00:1]/hook")]
    [InlineData("https://[::ffff:0:a00:1]/hook")]
    [InlineData("https://[::ffff:a00:1]/hook")]
    [InlineData("http://cases.example.org/hook")]
    [InlineData("ftp://cases.example.org/hook")]
    public async Task A_private_or_plain_http_url_is_refused_with_400_naming_url(string url)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);

        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync("/v1/webhooks", new { url }), "url");
    }

    [Fact]
    public async Task A_null_event_type_is_a_400_naming_eventTypes()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var response = await client.PostAsync("/v1/webhooks", new StringContent("""{"url":"https://cases.example.org/hook","eventTypes":[null]}""", System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.NamesInvalidFieldAsync(response, "eventTypes");
    }

    [Fact]
    public async Task Changing_the_url_to_a_private_address_is_refused_too_and_changes_need_If_Match()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var webhook = (await client.CreatedAsync("/v1/webhooks", new { url = "https://cases.example.org/hook" })).GetProperty("webhook");
        var path = $"/v1/webhooks/{webhook.Id()}";

        var refused = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { url = "https://192.168.1.10/hook" }, 1);
        var refusedNat64 = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { url = "https://[64:ff9b::a00:1]/" }, 1);
        var withoutIfMatch = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { enabled = false }, null);
        var changed = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { enabled = false, eventTypes = new[] { "case.created" } }, 1);
        var stale = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { enabled = true }, 1);

        await ProblemAssert.NamesInvalidFieldAsync(refused, "url");
        await ProblemAssert.NamesInvalidFieldAsync(refusedNat64, "url");
        await ProblemAssert.IsProblemAsync(withoutIfMatch, HttpStatusCode.PreconditionRequired);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((false, 2), (body.GetProperty("enabled").GetBoolean(), body.GetProperty("version").GetInt32()));
        Assert.Equal(["case.created"], body.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Another_organisation_gets_404_for_a_webhook_and_its_deliveries()
    {
        var a = await api.CreateOrganisationAsync("A");
        var b = await api.CreateOrganisationAsync("B");
        using var clientA = api.ClientFor(a.AdminKey);
        using var clientB = api.ClientFor(b.AdminKey);
        var webhook = (await clientA.CreatedAsync("/v1/webhooks", new { url = "https://cases.example.org/hook" })).GetProperty("webhook");

        Assert.Equal(HttpStatusCode.NotFound, (await clientB.GetAsync($"/v1/webhooks/{webhook.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clientB.GetAsync($"/v1/webhooks/{webhook.Id()}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clientB.DeleteAsync($"/v1/webhooks/{webhook.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clientB.PostAsync($"/v1/webhooks/{webhook.Id()}/rotate-secret", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clientA.GetAsync($"/v1/webhooks/{webhook.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await clientA.DeleteAsync($"/v1/webhooks/{webhook.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clientA.GetAsync($"/v1/webhooks/{webhook.Id()}")).StatusCode);
    }

    [Fact]
    public async Task A_lawyer_key_cannot_manage_webhooks()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, CaseApi.Infrastructure.Auth.ApiKeyRole.Lawyer));

        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.GetAsync("/v1/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lawyer.PostAsJsonAsync("/v1/webhooks", new { url = "https://cases.example.org/hook" })).StatusCode);
    }

    [Fact]
    public async Task A_url_that_reaches_a_private_address_when_delivering_is_not_connected_to()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var webhook = (await client.CreatedAsync("/v1/webhooks", new { url = "https://cases.example.org/hook", eventTypes = new[] { "case.created" } })).GetProperty("webhook");
        // As if the name had come to resolve to the loopback interface since it was saved.
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            await superUser.ExecuteAsync("UPDATE webhooks SET url = @url WHERE id = @id", new { url = receiver.Url("/internal"), id = webhook.Id() });
        }

        await client.CaseAsync();
        await api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);

        Assert.Empty(receiver.Requests);
        var delivery = (await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{webhook.Id()}/deliveries")).GetProperty("items")[0];
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.StartsWith(WebhookAddresses.NoPublicAddress, delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.64.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("::ffff:192.168.0.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("93.184.215.14", false)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", false)]
    [InlineData("::", true)]
    [InlineData("64:ff9b::a00:1", true)] // NAT64 (RFC 6052) to 10.0.0.1
    [InlineData("64:ff9b::7f00:1", true)] // NAT64 to 127.0.0.1
    [InlineData("64:ff9b::5db8:d70e", false)] // NAT64 to 93.184.215.14: the gateway reaches a public host
    [InlineData("64:ff9b:1::5db8:d70e", true)] // local-use NAT64 (RFC 8215): whose gateway, we cannot tell
    [InlineData("2002:a00:1::1", true)] // 6to4 of 10.0.0.1
    [InlineData("2002:5db8:d70e::1", true)] // 6to4 at all: a relay's address, deprecated (RFC 7526)
    [InlineData("2001:0:4136:e378:8000:63bf:f5ff:fffe", true)] // Teredo
    [InlineData("::a00:1", true)] // IPv4-compatible
    [InlineData("::5db8:d70e", true)]
    [InlineData("::ffff:0:a00:1", true)] // SIIT IPv4-translated
    [InlineData("2001:db8::1", true)]
    [InlineData("3fff::1", true)]
    [InlineData("2a00:1450:4001:80e::200e", false)]
    public void Private_loopback_and_link_local_addresses_are_recognised(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, WebhookAddresses.IsPrivate(IPAddress.Parse(address)));
}
