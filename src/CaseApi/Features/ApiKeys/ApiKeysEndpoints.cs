using CaseApi.Infrastructure.Auth;

namespace CaseApi.Features.ApiKeys;

public static class ApiKeysEndpoints
{
    public static void MapApiKeys(this RouteGroupBuilder v1)
    {
        var keys = v1.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.Admin);
        CreateApiKey.Map(keys);
        ListApiKeys.Map(keys);
        GetApiKey.Map(keys);
        RevokeApiKey.Map(keys);
    }
}
