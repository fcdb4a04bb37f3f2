namespace CaseApi.Features.Organisations;

public static class OrganisationEndpoints
{
    public static void MapOrganisation(this RouteGroupBuilder v1)
    {
        var organisation = v1.MapGroup("/organisation").WithTags("Organisation");
        GetOrganisation.Map(organisation);
        UpdateOrganisation.Map(organisation);
    }
}
