using CaseApi.Features.Inbox;

namespace CaseApi.Features.Organisations;

public static class OrganisationEndpoints
{

    public static void MapOrganisation(this RouteGroupBuilder v1)
    {
        var organisation = v1.MapGroup("/organisation").WithTags("Organisation");
        GetOrganisation.Map(organisation);
        UpdateOrganisation.Map(organisation);
        var windows = organisation.MapGroup("/urgency-windows");
        ListUrgencyWindows.Map(windows);
        SetUrgencyWindow.Map(windows);
        ResetUrgencyWindow.Map(windows);
        var mail = organisation.MapGroup("/mail");
        GetMailSettings.Map(mail);
        SetMailSettings.Map(mail);
        TestMailSettings.Map(mail);
        GetMailboxStatus.Map(mail);
    }
}
