namespace CaseApi.Features.Dpas;

public static class DpasEndpoints
{
    /// <summary>Reference data shared by every organisation: any key may read it, none may change it.</summary>
    public static void MapDpas(this RouteGroupBuilder v1)
    {
        var dpas = v1.MapGroup("/dpas").WithTags("Data protection authorities");
        ListDpas.Map(dpas);
        FindCompetentDpa.Map(dpas);
        GetDpa.Map(dpas);
    }
}
