namespace CaseApi.Infrastructure.Auth;

/// <summary>What an API key may do.</summary>
public enum ApiKeyRole
{
    /// <summary>Everything, including API keys and the organisation's settings.</summary>
    Admin,

    /// <summary>Reads and writes case records, correspondence and deadlines; sees complainants' personal data.</summary>
    Lawyer,

    /// <summary>Reads only.</summary>
    Viewer,

    /// <summary>A case system integrating over the API: reads and writes case records, no personal data of complainants.</summary>
    Integration,
}

public static class Policies
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";
    public const string PersonalData = "personal-data";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Read, policy => policy.RequireAuthenticatedUser());
        options.AddPolicy(Write, policy => policy.RequireRole(RoleName(ApiKeyRole.Admin), RoleName(ApiKeyRole.Lawyer), RoleName(ApiKeyRole.Integration)));
        options.AddPolicy(Admin, policy => policy.RequireRole(RoleName(ApiKeyRole.Admin)));
        options.AddPolicy(PersonalData, policy => policy.RequireRole(RoleName(ApiKeyRole.Admin), RoleName(ApiKeyRole.Lawyer)));
        // A calendar feed URL carries its own token, and only that: an API key in a URL would end up in proxy logs.
        options.AddPolicy(FeedTokenAuthenticationHandler.Policy, policy => policy
            .AddAuthenticationSchemes(FeedTokenAuthenticationHandler.SchemeName)
            .RequireClaim(FeedTokenAuthenticationHandler.FeedIdClaim));
        options.DefaultPolicy = options.GetPolicy(Read)!;
        // Anything not marked otherwise needs a key, so a new route cannot be public by accident.
        options.FallbackPolicy = options.DefaultPolicy;
    }

    public static string RoleName(ApiKeyRole role) => Json.SnakeCase.From(role);
}
