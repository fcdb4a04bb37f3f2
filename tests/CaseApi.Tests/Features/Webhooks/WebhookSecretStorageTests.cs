using System.Collections.Concurrent;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Secrets;
using Dapper;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StandardWebhooks;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>Webhook secrets at rest (encrypted, keys in PostgreSQL), and what the delivery client writes to the log.</summary>
public sealed class WebhookSecretStorageTests(WebhookSecretStorageTests.LoggedLoopback api) : IClassFixture<WebhookSecretStorageTests.LoggedLoopback>
{
    public sealed class LoggedLoopback : CaseApiFactory
    {
        private readonly CapturedLog captured = new();

        public ConcurrentQueue<string> Log => captured.Lines;

        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Webhooks:AllowPrivateAddresses"] = "true" };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
        }
    }

    [Fact]
    public async Task The_secret_column_holds_no_secret_and_a_second_process_on_the_same_database_decrypts_it()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var created = await client.CreatedAsync("/v1/webhooks", new { url = "https://cases.example.org/hook" });
        var secret = created.GetProperty("secret").GetString()!;

        var stored = await StoredSecretAsync(created.GetProperty("webhook").Id());

        Assert.StartsWith(SecretProtector.Marker, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["whsec_".Length..], stored, StringComparison.Ordinal);
        await using var other = SecondProcess();
        Assert.Equal(secret, other.GetRequiredService<SecretProtector>().Unprotect(stored));
    }

    [Fact]
    public async Task After_a_new_key_is_made_old_secrets_still_decrypt_and_new_ones_use_the_new_key()
    {
        var protector = api.Services.GetRequiredService<SecretProtector>();
        var old = protector.Protect("whsec_before");
        await using var other = SecondProcess();
        var now = DateTimeOffset.UtcNow;
        other.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
        var newer = other.GetRequiredService<SecretProtector>().Protect("whsec_after");

        Assert.Equal("whsec_before", protector.Unprotect(old));
        Assert.Equal("whsec_after", protector.Unprotect(newer));
        Assert.Equal("whsec_before", other.GetRequiredService<SecretProtector>().Unprotect(old));
        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.True(await superUser.QuerySingleAsync<long>("SELECT count(*) FROM data_protection_keys WHERE xml LIKE '<key %'") >= 2);
    }

    [Fact]
    public async Task A_secret_stored_in_plain_text_before_encryption_is_encrypted_at_start_and_still_signs()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var webhook = (await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/legacy"), eventTypes = new[] { "case.created" } })).GetProperty("webhook");
        const string legacy = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            // As migration 0015 leaves a webhook made before it: the secret as given, and listed for encryption.
            await superUser.ExecuteAsync("""
                UPDATE webhooks SET secret = @legacy WHERE id = @id;
                INSERT INTO jobs.plaintext_webhook_secrets (webhook_id, organisation_id) SELECT id, organisation_id FROM webhooks WHERE id = @id;
                """, new { legacy, id = webhook.Id() });
        }

        Assert.Equal(1, await api.SendAsync(new EncryptPlaintextWebhookSecrets.Command()));
        Assert.Equal(0, await api.SendAsync(new EncryptPlaintextWebhookSecrets.Command()));
        var stored = await StoredSecretAsync(webhook.Id());
        api.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        await client.CaseAsync();
        await api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);

        Assert.StartsWith(SecretProtector.Marker, stored, StringComparison.Ordinal);
        var request = Assert.Single(receiver.At("/legacy"));
        new StandardWebhook(legacy).Verify(request.Body, request.Headers);
    }

    [Fact]
    public async Task A_delivery_writes_no_url_path_or_query_to_the_log()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/hooks/t0ken-in-path?sig=q5ery"), eventTypes = new[] { "case.created" } });
        api.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        await client.CaseAsync();
        api.Log.Clear();

        await api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);

        Assert.Single(receiver.Requests);
        Assert.Contains(api.Log, line => line.Contains("1 delivered", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Log, line => line.Contains("t0ken-in-path", StringComparison.Ordinal) || line.Contains("q5ery", StringComparison.Ordinal));
    }

    private async Task<string> StoredSecretAsync(Guid webhookId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<string>("SELECT secret FROM webhooks WHERE id = @webhookId", new { webhookId });
    }

    /// <summary>Another CaseApi process's Data Protection: nothing shared with this one but the database.</summary>
    private ServiceProvider SecondProcess()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(NpgsqlDataSource.Create(api.Database.Application));
        services.AddSecrets();
        return services.BuildServiceProvider();
    }
}
