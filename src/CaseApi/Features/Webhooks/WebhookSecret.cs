using System.Security.Cryptography;

namespace CaseApi.Features.Webhooks;

/// <summary>A Standard Webhooks signing secret: <c>whsec_</c> and 32 random bytes in base64, the form receivers' libraries read.</summary>
internal static class WebhookSecret
{
    public static string Generate() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
