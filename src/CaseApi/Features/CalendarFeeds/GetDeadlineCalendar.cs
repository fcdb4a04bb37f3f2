using System.Globalization;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using MediatR;

namespace CaseApi.Features.CalendarFeeds;

public static class GetDeadlineCalendar
{
    public sealed record Query : IQuery<string>;

    internal sealed record Row
    {
        public Guid Id { get; init; }

        public DateOnly DueDate { get; init; }

        public DateTimeOffset DueAt { get; init; }

        public required string Computation { get; init; }

        public required string Kind { get; init; }

        public required string Rule { get; init; }

        public required string CaseReference { get; init; }

        public required string CaseTitle { get; init; }

        public string? LetterSubject { get; init; }

        public Guid CaseId { get; init; }
    }

    internal sealed record HearingRow
    {
        public Guid Id { get; init; }

        public DateTimeOffset HearingAt { get; init; }

        public string? Place { get; init; }

        public required string CourtName { get; init; }

        public string? FileNumber { get; init; }

        public required string CaseReference { get; init; }

        public Guid CaseId { get; init; }

        public Guid ProceedingId { get; init; }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, string>
    {
        public async Task<string> Handle(Query query, CancellationToken ct)
        {
            var rows = await db.QueryAsync<Row>("""
                SELECT d.id, d.due_date, d.due_at, d.computation, d.kind, d.rule, d.case_id, c.reference AS case_reference, c.title AS case_title,
                       l.subject AS letter_subject
                FROM deadlines d
                JOIN cases c ON c.organisation_id = d.organisation_id AND c.id = d.case_id
                LEFT JOIN letters l ON l.organisation_id = d.organisation_id AND l.id = d.letter_id
                WHERE d.organisation_id = current_organisation_id() AND d.status = 'open'
                ORDER BY d.due_at, d.id
                """, ct: ct);
            var calendar = new Ical.Net.Calendar { ProductId = "-//CaseApi//Deadlines//EN" };
            calendar.AddProperty("X-WR-CALNAME", "CaseApi deadlines");
            foreach (var row in rows)
            {
                // All-day events on the last day: calendars show them on the right date in every time zone.
                calendar.Events.Add(new CalendarEvent
                {
                    Uid = $"{row.Id}@caseapi",
                    Summary = $"Deadline {row.CaseReference}: {row.LetterSubject ?? Describe(row.Kind, row.Rule)}",
                    Description = $"{row.CaseTitle}\n{row.Computation}\nExpires {row.DueAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}.\nCase {row.CaseId}, deadline {row.Id}.",
                    DtStart = new CalDateTime(row.DueDate),
                    DtEnd = new CalDateTime(row.DueDate.AddDays(1)),
                });
            }

            // Hearings of proceedings not yet final (issue 13 point 3), at their time: lawyers attend them.
            var hearings = await db.QueryAsync<HearingRow>("""
                SELECT e.id, e.hearing_at, e.place, e.proceeding_id, p.case_id, p.file_number, co.name AS court_name, c.reference AS case_reference
                FROM proceeding_events e
                JOIN proceedings p ON p.organisation_id = e.organisation_id AND p.id = e.proceeding_id
                JOIN courts co ON co.id = p.court_id
                JOIN cases c ON c.organisation_id = p.organisation_id AND c.id = p.case_id
                WHERE e.organisation_id = current_organisation_id() AND e.kind = 'hearing_scheduled' AND p.status <> 'final'
                ORDER BY e.hearing_at, e.id
                """, ct: ct);
            foreach (var hearing in hearings)
            {
                calendar.Events.Add(new CalendarEvent
                {
                    Uid = $"{hearing.Id}@caseapi",
                    Summary = $"Hearing {hearing.CaseReference}: {hearing.CourtName}{(hearing.FileNumber is null ? "" : $", {hearing.FileNumber}")}",
                    Location = hearing.Place,
                    Description = $"{hearing.CourtName}\nFile number {hearing.FileNumber ?? "not yet assigned"}.\nCase {hearing.CaseId}, proceeding {hearing.ProceedingId}.",
                    DtStart = new CalDateTime(hearing.HearingAt.UtcDateTime, "UTC"),
                });
            }

            return new CalendarSerializer().SerializeToString(calendar) ?? "";
        }

        private static string Describe(string kind, string rule) => kind switch
        {
            "procedural" => $"{DeadlineRuleCatalogue.Get(rule).Title} ({DeadlineRuleCatalogue.Get(rule).Basis})",
            "dpa_progress" => "authority to report progress (GDPR Art. 78(2))",
            "data_subject_request" => "answer to a data subject request (GDPR Art. 12(3))",
            "appeal" => "appeal against an authority's decision (GDPR Art. 78(1))",
            _ => "reply due",
        };
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapGet("calendar.ics", async (IMediator mediator, CancellationToken ct) =>
            Results.Text(await mediator.Send(new Query(), ct), "text/calendar; charset=utf-8"))
        .RequireAuthorization(FeedTokenAuthenticationHandler.Policy)
        .WithTags("Deadlines")
        .WithName("GetDeadlineCalendar")
        .WithSummary("The open deadlines and coming court hearings as an iCalendar feed")
        .WithDescription("Subscribe to this URL in Outlook, Google or Apple calendars: `/v1/deadlines/calendar.ics?token=caf_…`. It takes a calendar feed token from `POST /v1/calendar-feeds` in the `token` query parameter, never an API key; a revoked token gets 401. One all-day event per open deadline, on its last day, and one event per hearing scheduled in a proceeding that is not final, at its time, with the court and file number.")
        .Produces<string>(StatusCodes.Status200OK, "text/calendar");
}
