namespace CaseApi.Features.Deadlines;

public static class DeadlinesEndpoints
{
    public static void MapDeadlines(this RouteGroupBuilder v1)
    {
        var deadlines = v1.MapGroup("/deadlines").WithTags("Deadlines");
        ListDeadlines.Map(deadlines);
        GetDeadlinesOverview.Map(deadlines);
        GetDeadline.Map(deadlines);
        ExtendDeadline.Map(deadlines);
        WaiveDeadline.Map(deadlines);
        ListDeadlineRules.Map(v1);
        RecordDeadlineTrigger.Map(v1.MapGroup("/cases").WithTags("Deadlines"));
    }

    public static void MapEscalation(this RouteGroupBuilder v1)
    {
        var policy = v1.MapGroup("/escalation-policy").WithTags("Escalation");
        GetEscalationPolicy.Map(policy);
        PutEscalationPolicy.Map(policy);
    }
}
