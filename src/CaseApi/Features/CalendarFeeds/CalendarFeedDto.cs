namespace CaseApi.Features.CalendarFeeds;

/// <summary>A calendar feed of the organisation's open deadlines, for Outlook, Google or Apple calendars.</summary>
public sealed record CalendarFeedDto
{
    internal const string Columns = "id, name, prefix, created_at, revoked_at";

    /// <summary>The feed's id.</summary>
    public Guid Id { get; init; }

    /// <summary>Whose calendar it is for.</summary>
    /// <example>Legal team calendar</example>
    public required string Name { get; init; }

    /// <summary>The visible part of the feed's token, to recognise it.</summary>
    public required string Prefix { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
