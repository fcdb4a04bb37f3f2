using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Organisations;

/// <summary>The organisation an API key belongs to, and the settings its deadlines are computed with.</summary>
public sealed record OrganisationDto : IVersioned
{
    internal const string Columns = "id, name, jurisdiction, time_zone, local_holidays, version, created_at";

    /// <summary>The organisation's id.</summary>
    public Guid Id { get; init; }

    /// <summary>Its name.</summary>
    /// <example>Verbraucherzentrale NRW</example>
    public required string Name { get; init; }

    /// <summary>Whose public holidays deadlines skip: an ISO 3166-1 country, or an ISO 3166-2 region where holidays differ by region.</summary>
    /// <example>DE-NW</example>
    public required string Jurisdiction { get; init; }

    /// <summary>The IANA time zone in which a day ends at 24:00 for its deadlines.</summary>
    /// <example>Europe/Berlin</example>
    public required string TimeZone { get; init; }

    /// <summary>
    /// The municipality's own holidays on top of the jurisdiction's, for deadlines that follow the organisation's calendar:
    /// additions (Augsburg's 8 August, FTG Art. 1(2)) and, with <c>observed: false</c>, the jurisdiction's holidays the
    /// municipality does not keep (15 August in Nuremberg, FTG Art. 1(1) no. 2). Empty by default.
    /// </summary>
    public IReadOnlyList<LocalHoliday> LocalHolidays { get; init; } = [];

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was set up in CaseApi.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
