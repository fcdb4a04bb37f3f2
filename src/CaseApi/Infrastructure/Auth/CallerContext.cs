namespace CaseApi.Infrastructure.Auth;

/// <summary>Who is acting in this scope: the API key of an HTTP request, or the organisation a job or CLI verb works for.</summary>
public sealed class CallerContext
{
    public Guid? OrganisationId { get; private set; }

    public Guid? ApiKeyId { get; private set; }

    public ApiKeyRole? Role { get; private set; }

    /// <summary>
    /// The API key of a request authenticated from <see cref="ApiKeyCache"/>, until a statement has confirmed in the
    /// database that it is still in force (migration 0046); null once confirmed, and for a key looked up in this request.
    /// </summary>
    public Guid? UnconfirmedApiKeyId { get; private set; }

    public Guid RequiredOrganisationId => OrganisationId
        ?? throw new InvalidOperationException("This request needs an organisation, and the caller has none.");

    public void Authenticate(Guid organisationId, Guid apiKeyId, ApiKeyRole role, bool confirmed)
    {
        OrganisationId = organisationId;
        ApiKeyId = apiKeyId;
        Role = role;
        UnconfirmedApiKeyId = confirmed ? null : apiKeyId;
    }

    public void ConfirmApiKey() => UnconfirmedApiKeyId = null;

    public void ActFor(Guid organisationId) => OrganisationId = organisationId;

    /// <summary>A calendar feed reads as a viewer would, and is no API key: the timeline never names it.</summary>
    public void AuthenticateFeed(Guid organisationId)
    {
        OrganisationId = organisationId;
        Role = ApiKeyRole.Viewer;
    }
}
