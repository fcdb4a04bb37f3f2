using CaseApi.Features.Timeline;

namespace CaseApi.Features.Cases;

public static class CasesEndpoints
{
    public static void MapCases(this RouteGroupBuilder v1)
    {
        var cases = v1.MapGroup("/cases").WithTags("Cases");
        OpenCase.Map(cases);
        ListCases.Map(cases);
        GetCase.Map(cases);
        UpdateCase.Map(cases);
        GetCaseTimeline.Map(cases);
    }
}
