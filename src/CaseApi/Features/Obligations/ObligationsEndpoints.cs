namespace CaseApi.Features.Obligations;

public static class ObligationsEndpoints
{
    public static void MapObligations(this RouteGroupBuilder v1)
    {
        ListCaseObligations.Map(v1.MapGroup("/cases").WithTags("Obligations"));
        RecordBreach.Map(v1.MapGroup("/obligations").WithTags("Obligations"));
    }
}
