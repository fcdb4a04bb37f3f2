using System.Net;
using CaseApi.Infrastructure.Auth;

namespace CaseApi.Features.Webhooks;

public static class WebhooksEndpoints
{
    public static void MapWebhooks(this RouteGroupBuilder v1)
    {
        var webhooks = v1.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin);
        CreateWebhook.Map(webhooks);
        ListWebhooks.Map(webhooks);
        GetWebhook.Map(webhooks);
        UpdateWebhook.Map(webhooks);
        DeleteWebhook.Map(webhooks);
        RotateWebhookSecret.Map(webhooks);
        ListWebhookDeliveries.Map(webhooks);
        RedeliverWebhook.Map(webhooks);
    }
}

public static class WebhooksSetup
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<ResolveHost>(Dns.GetHostAddressesAsync);
        services.AddSingleton<WebhookAddresses>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton(provider => WebhookTimings.From(provider.GetRequiredService<IConfiguration>()));
        services.AddTransient<DispatchWebhooksJob>();
        services.AddHostedService<EncryptPlaintextWebhookSecrets.AtStart>();
        services.ConfigureSwaggerGen(options => options.DocumentFilter<WebhookPayloadsDocumentFilter>());
        services.AddHttpClient(WebhookSender.ClientName, (provider, client) => client.Timeout = provider.GetRequiredService<WebhookTimings>().Timeout)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // The address check happens where the connection is made, after DNS resolution.
                ConnectCallback = provider.GetRequiredService<WebhookAddresses>().ConnectAsync,
                // A redirect is an answer, not a 2xx: following it could lead to an address nobody checked at save time.
                AllowAutoRedirect = false,
                // Through a proxy, the address checked would be the proxy's, not the receiver's.
                UseProxy = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            })
            // The default request log writes each URL, path and query included, at Information: some receivers take their
            // own secret in the path. Deliveries are logged by the dispatcher and recorded per attempt instead.
            .RemoveAllLoggers();
        return services;
    }
}
