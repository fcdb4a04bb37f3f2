using CaseApi.Features.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>The signature every delivery carries, against the Standard Webhooks specification's published test vector.</summary>
public sealed class WebhookSignatureTests
{
    [Fact]
    public void Deliveries_are_signed_as_the_specification_s_test_vector_says()
    {
        var signature = WebhookSender.Sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", DateTimeOffset.FromUnixTimeSeconds(1614265330), """{"test": 2432232314}""");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void A_generated_secret_signs_what_the_StandardWebhooks_package_verifies_and_nothing_else()
    {
        var secret = WebhookSecret.Generate();
        var now = DateTimeOffset.UtcNow;
        const string body = """{"id":"0196a4c2-0000-7000-8000-000000000001","type":"case.created"}""";
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = "0196a4c2-0000-7000-8000-000000000002",
            ["webhook-timestamp"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSender.Sign(secret, "0196a4c2-0000-7000-8000-000000000002", now, body),
        };

        new StandardWebhook(secret).Verify(body, headers);
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(secret).Verify(body.Replace("case.created", "case.closed", StringComparison.Ordinal), headers));
        Assert.ThrowsAny<Exception>(() => new StandardWebhook(WebhookSecret.Generate()).Verify(body, headers));
    }
}
