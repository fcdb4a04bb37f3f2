namespace CaseApi.Features.LetterTemplates;

public static class LetterTemplatesEndpoints
{
    public static void MapLetterTemplates(this RouteGroupBuilder v1)
    {
        var templates = v1.MapGroup("/letter-templates").WithTags("Letter templates");
        CreateLetterTemplate.Map(templates);
        ListLetterTemplates.Map(templates);
        GetLetterTemplate.Map(templates);
        ReplaceLetterTemplate.Map(templates);
        DeleteLetterTemplate.Map(templates);
    }
}
