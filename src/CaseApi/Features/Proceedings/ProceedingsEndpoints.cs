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
        GetRepresentativeAction.Map(proceedings);
        UpdateRepresentativeAction.Map(proceedings);
        RecordRegistrationCount.Map(proceedings);
        ListRegistrationCounts.Map(proceedings);
        RecordSettlement.Map(proceedings);
        ListSettlements.Map(proceedings);
        AddRepresentedConsumer.Map(proceedings);
        ListRepresentedConsumers.Map(proceedings);
        EraseRepresentedConsumer.Map(v1);
    }
}
