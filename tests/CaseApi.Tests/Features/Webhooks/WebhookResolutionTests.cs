using System.Net.Sockets;
using CaseApi.Features.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>
/// The address check at connect time, with a fake DNS: names resolve to what the test says, and every address they
/// resolve to is refused before any connection is made.
/// </summary>
public sealed class WebhookResolutionTests(WebhookResolutionTests.FakeDns api) : IClassFixture<WebhookResolutionTests.FakeDns>
{
    public sealed class FakeDns : CaseApiFactory
    {
        public static readonly IReadOnlyDictionary<string, IPAddress[]> Names = new Dictionary<string, IPAddress[]>
        {
            ["nat64.example.org"] = [IPAddress.Parse("64:ff9b::a00:1")],
            ["sixtofour.example.org"] = [IPAddress.Parse("2002:a00:1::1")],
            ["teredo.example.org"] = [IPAddress.Parse("2001:0:4136:e378:8000:63bf:f5ff:fffe")],
            ["compatible.example.org"] = [IPAddress.Parse("::a00:1"), IPAddress.Parse("::ffff:0:a00:1")],
            ["intranet.example.org"] = [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5")],
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ResolveHost>((host, _) =>
                Names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound)));
        }
    }

    [Fact]
    public async Task A_name_resolving_to_private_addresses_in_any_IPv6_form_and_an_unknown_name_fail_with_the_same_error()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var hosts = FakeDns.Names.Keys.Append("no-such-name.example.org").ToArray();
        var webhooks = new List<(string Host, Guid Id)>();
        foreach (var host in hosts)
        {
            webhooks.Add((host, (await client.CreatedAsync("/v1/webhooks", new { url = $"https://{host}/hook", eventTypes = new[] { "case.created" } })).GetProperty("webhook").Id()));
        }

        await client.CaseAsync();
        await api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);

        // The handler names the host and port it tried, which the admin gave; nothing else tells the names apart.
        foreach (var (host, id) in webhooks)
        {
            var delivery = (await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/deliveries")).GetProperty("items")[0];
            Assert.Equal("pending", delivery.GetProperty("status").GetString());
            Assert.Equal($"{WebhookAddresses.NoPublicAddress} ({host}:443)", delivery.GetProperty("lastError").GetString());
        }
    }
}
