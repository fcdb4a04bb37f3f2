namespace CaseApi.Features.Proceedings;

public static class ProceedingsEndpoints
{
    public static void MapProceedings(this RouteGroupBuilder v1)
    {
        OpenProceeding.Map(v1.MapGroup("/cases"));
        ListProceedings.Map(v1);
        var proceedings = v1.MapGroup("/proceedings").WithTags("Proceedings");
        GetProceeding.Map(proceedings);
        UpdateProceeding.Map(proceedings);
        RecordProceedingEvent.Map(proceedings);
        ListProceedingEvents.Map(proceedings);
    }
}
