namespace CaseApi.Features.Courts;

public static class CourtsEndpoints
{
    /// <summary>Reference data shared by every organisation: any key may read it, none may change it.</summary>
    public static void MapCourts(this RouteGroupBuilder v1)
    {
        var courts = v1.MapGroup("/courts").WithTags("Courts");
        ListCourts.Map(courts);
        GetCourt.Map(courts);
    }
}
