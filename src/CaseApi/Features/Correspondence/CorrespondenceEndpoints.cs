namespace CaseApi.Features.Correspondence;

public static class CorrespondenceEndpoints
{
    public static void MapCorrespondence(this RouteGroupBuilder v1)
    {
        var cases = v1.MapGroup("/cases");
        RecordLetter.Map(cases);
        ImportLetter.Map(cases);
        ListCaseLetters.Map(cases);
        var letters = v1.MapGroup("/letters").WithTags("Correspondence");
        ListLetters.Map(letters);
        GetLetter.Map(letters);
        UpdateDraftLetter.Map(letters);
        SendLetter.Map(letters);
        RecordDelivery.Map(letters);
        AddAttachment.Map(letters);
        GetAttachment.Map(letters);
        RenderLetterDocument.Map(letters);
        GetLetterOriginal.Map(letters);
    }
}
