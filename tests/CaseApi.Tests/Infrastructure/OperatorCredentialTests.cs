using CaseApi.Infrastructure.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace CaseApi.Tests.Infrastructure;

public sealed class OperatorCredentialTests
{
    private const string Token = "operator-token-for-a-unit-test-0123456789";

    // printf %s 'operator-token-for-a-unit-test-0123456789' | sha256sum
    private const string TokenSha256 = "497d9efaac771f5e36d10742af5480a0a1ef40935d7208a76b3f77973d94886c";

    private static OperatorCredential From(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    private static HttpRequest Bearer(string? token)
    {
        var context = new DefaultHttpContext();
        if (token is not null)
        {
            context.Request.Headers.Authorization = $"Bearer {token}";
        }

        return context.Request;
    }

    [Fact]
    public void The_token_or_its_SHA_256_admits_the_token_and_nothing_else()
    {
        foreach (var credential in new[] { From((OperatorCredential.TokenKey, Token)), From((OperatorCredential.TokenSha256Key, TokenSha256)) })
        {
            Assert.True(credential.IsConfigured);
            Assert.True(credential.IsPresentedBy(Bearer(Token)));
            Assert.False(credential.IsPresentedBy(Bearer(Token + "x")));
            Assert.False(credential.IsPresentedBy(Bearer(TokenSha256)));
            Assert.False(credential.IsPresentedBy(Bearer(null)));
        }
    }

    [Fact]
    public void Without_configuration_nothing_is_admitted()
    {
        var credential = From();

        Assert.False(credential.IsConfigured);
        Assert.False(credential.IsPresentedBy(Bearer("")));
        Assert.False(credential.IsPresentedBy(Bearer(Token)));
    }

    [Fact]
    public void A_short_token_a_malformed_hash_or_both_settings_stop_the_start()
    {
        Assert.Throws<InvalidOperationException>(() => From((OperatorCredential.TokenKey, "too-short")));
        Assert.Throws<InvalidOperationException>(() => From((OperatorCredential.TokenSha256Key, "abc")));
        Assert.Throws<InvalidOperationException>(() => From((OperatorCredential.TokenKey, Token), (OperatorCredential.TokenSha256Key, TokenSha256)));
    }
}
