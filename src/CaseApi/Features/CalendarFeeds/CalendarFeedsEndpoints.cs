namespace CaseApi.Features.CalendarFeeds;

public static class CalendarFeedsEndpoints
{
    public static void MapCalendarFeeds(this RouteGroupBuilder v1)
    {
        var feeds = v1.MapGroup("/calendar-feeds").WithTags("Calendar feeds");
        CreateCalendarFeed.Map(feeds);
        ListCalendarFeeds.Map(feeds);
        RevokeCalendarFeed.Map(feeds);
        GetDeadlineCalendar.Map(v1.MapGroup("/deadlines"));
    }
}
