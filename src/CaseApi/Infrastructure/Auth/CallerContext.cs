namespace CaseApi.Infrastructure.Auth;

/// <summary>Who is acting in this scope: the API key of an HTTP request, or the organisation a job or CLI verb works for.</summary>
public sealed class CallerContext
{
    public Guid? OrganisationId { get; private set; }

    public Guid? ApiKeyId { get; private set; }

    public ApiKeyRole? Role { get; private set; }

    public Guid RequiredOrganisationId => OrganisationId
        ?? throw new InvalidOperationException("This request needs an organisation, and the caller has none.");

    public void Authenticate(Guid organisationId, Guid apiKeyId, ApiKeyRole role)
    {
        OrganisationId = organisationId;
        ApiKeyId = apiKeyId;
        Role = role;
    }

    public void ActFor(Guid organisationId) => OrganisationId = organisationId;

    /// <summary>A calendar feed reads as a viewer would, and is no API key: the timeline never names it.</summary>
    public void AuthenticateFeed(Guid organisationId)
    {
        OrganisationId = organisationId;
        Role = ApiKeyRole.Viewer;
    }
}
