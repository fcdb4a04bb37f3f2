using System.Diagnostics;
using System.Globalization;
using System.Text;
using StandardWebhooks;

namespace CaseApi.Features.Webhooks;

/// <summary>Makes one signed POST and reports what came back; never throws for anything the receiver or the network does.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider clock, WebhookTimings timings)
{
    public const string ClientName = "webhooks";

    public async Task<RecordWebhookAttempt.Command> SendAsync(DispatchWebhooks.Outgoing delivery, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var id = delivery.DeliveryId.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(delivery.Secret, id, at, delivery.Body));
        // Wall-clock duration for the log: TimeProvider gives the instant, a stopwatch measures the call.
        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        TimeSpan? retryAfter = null;
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"The receiver answered {status}.";
            retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - at,
                _ => null,
            };
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"No answer within {timings.Timeout.TotalSeconds:0} seconds.";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }

        return new RecordWebhookAttempt.Command(delivery.DeliveryId, delivery.Attempt, at, status, error, (int)stopwatch.ElapsedMilliseconds, retryAfter);
    }

    /// <summary>The <c>webhook-signature</c> header's value (Standard Webhooks: <c>v1,</c> and the base64 HMAC-SHA256).</summary>
    internal static string Sign(string secret, string webhookId, DateTimeOffset at, string body) => new StandardWebhook(secret).Sign(webhookId, at, body);
}

/// <summary>
/// How long a receiver has to answer (<c>Webhooks:TimeoutSeconds</c>, 15), and how long a claimed delivery is leased
/// (<c>Webhooks:LeaseSeconds</c>, 120). The dispatcher starts no send later than one timeout after its claim, and a send
/// lasts at most another, so a lease longer than two timeouts outlives every send of its batch: no other dispatcher
/// takes a delivery whose send is still running. A dispatcher killed mid-send leaves its lease to run out; then the
/// delivery is made again.
/// </summary>
public sealed record WebhookTimings(TimeSpan Timeout, TimeSpan Lease)
{
    public static WebhookTimings From(IConfiguration configuration)
    {
        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Webhooks:TimeoutSeconds", 15));
        var lease = TimeSpan.FromSeconds(configuration.GetValue("Webhooks:LeaseSeconds", 120));
        return timeout > TimeSpan.Zero && lease > 2 * timeout
            ? new WebhookTimings(timeout, lease)
            : throw new InvalidOperationException("Webhooks:LeaseSeconds must be longer than twice Webhooks:TimeoutSeconds, and both positive.");
    }
}
