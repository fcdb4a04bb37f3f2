namespace CaseApi.Features.Complaints;

public static class ComplaintsEndpoints
{
    public static void MapComplaints(this RouteGroupBuilder v1)
    {
        FileComplaint.Map(v1.MapGroup("/cases"));
        var complaints = v1.MapGroup("/complaints").WithTags("Complaints");
        GetComplaint.Map(complaints);
        ListComplaints.Map(complaints);
        TransitionComplaint.Map(complaints);
        EraseComplainant.Map(v1);
    }
}
