using CaseApi.Infrastructure.Auth;
using Hangfire.Dashboard;

namespace CaseApi.Infrastructure.Jobs;

/// <summary>
/// Who may use Hangfire's dashboard: the operator, by the token in the Authorization header. Not Hangfire's "local
/// requests only" (behind a reverse proxy every request looks local), and no tenant's API key (issue 11): the
/// dashboard is shared by every organisation. Hangfire answers others 401, or 403 when an API key authenticated them.
/// </summary>
public sealed class DashboardAuthorization(OperatorCredential credential) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => credential.IsPresentedBy(context.GetHttpContext().Request);
}
