using CaseApi.Infrastructure.Auth;
using Hangfire.Dashboard;

namespace CaseApi.Infrastructure.Jobs;

/// <summary>
/// Who may see Hangfire's dashboard: any valid API key, read-only; admin keys may also retry and delete jobs.
/// An explicit check of the key, not Hangfire's "local requests only": behind a reverse proxy every request looks local.
/// </summary>
public sealed class DashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.Identity?.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName;

    public static bool IsReadOnly(DashboardContext context) => !context.GetHttpContext().User.IsInRole(Policies.RoleName(ApiKeyRole.Admin));
}
