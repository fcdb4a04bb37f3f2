namespace CaseApi.Features.Defendants;

public static class DefendantsEndpoints
{
    public static void MapDefendants(this RouteGroupBuilder v1)
    {
        var defendants = v1.MapGroup("/defendants").WithTags("Defendants");
        CreateDefendant.Map(defendants);
        ListDefendants.Map(defendants);
        GetDefendant.Map(defendants);
        UpdateDefendant.Map(defendants);
        DeleteDefendant.Map(defendants);
    }
}
